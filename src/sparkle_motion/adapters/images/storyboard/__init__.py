"""Storyboard frames for the preview: a keyframe drawn from its shot's words with Pillow
(no model weights).

- `words`: the keyword tables that map English words to what is drawn;
- `reading`: what a keyframe shows, read from its step (cast, place, time, weather, props);
- `framing`: where the cast stands (the speaker nearer) and the shot size;
- `staging`: where the props go around the cast;
- `scene`: the order it is all drawn in, the names, the PNG (`draw_keyframe`);
- `sky`, `exteriors`, `interiors`, `weather`, `figures`, `creatures`, `props`: one family
  of things each, drawn on a `canvas.Canvas`.
"""
