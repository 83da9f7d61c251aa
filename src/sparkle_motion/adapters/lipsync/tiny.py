"""A random-weight Wav2Lip checkpoint, written by the lipsync environment's python
(`.venv-lipsync/bin/python -m sparkle_motion.adapters.lipsync.tiny DIR [--blind-detector]`;
`sparkle-motion models make-tiny` runs it when .venv-lipsync exists): `DIR/wav2lip.pth`
(Wav2Lip's network, seed 0: its mouths are noise, its code path the real one) and, asked,
`DIR/s3fd_blind.pth` (S3FD whose face score is forced down: a detector that finds no
face, for the no-face path). Never downloaded: built from the packages' own classes."""

from __future__ import annotations

import sys
from pathlib import Path


def main(folder: Path, blind_detector: bool = False) -> None:
    import torch
    from face_alignment.detection.sfd.net_s3fd import s3fd
    from lipsync.models import Wav2Lip

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.save(Wav2Lip().state_dict(), folder / "wav2lip.pth")
    if not blind_detector:
        return
    blind = s3fd()
    with torch.no_grad():
        for name, param in blind.named_parameters():
            if "conf" not in name:
                continue
            param.zero_()  # the scores are the biases alone:
            if name.endswith("bias"):
                param[0] = 100.0  # background wins everywhere
                param[-1] = -100.0  # (the last class is "face")
    torch.save(blind.state_dict(), folder / "s3fd_blind.pth")


if __name__ == "__main__":
    main(Path(sys.argv[1]), "--blind-detector" in sys.argv[2:])
