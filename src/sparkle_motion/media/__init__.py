"""Media helpers shared by the ffmpeg-based adapters: the ffmpeg binary, probing, WAV I/O."""
