"""Random-weight Wav2Lip and S3FD checkpoints, written by the lipsync environment's python
(`python -m tests.support.lipsync_weights DIR`): `wav2lip.pth` (Wav2Lip's network, seed 0)
and `s3fd_blind.pth` (S3FD whose face score is forced down: a detector that finds no face,
for the no-face path). Never downloaded: built from the package's own model classes."""

from __future__ import annotations

import sys
from pathlib import Path


def main(folder: Path) -> None:
    import torch
    from face_alignment.detection.sfd.net_s3fd import s3fd
    from lipsync.models import Wav2Lip

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.save(Wav2Lip().state_dict(), folder / "wav2lip.pth")
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
    main(Path(sys.argv[1]))
