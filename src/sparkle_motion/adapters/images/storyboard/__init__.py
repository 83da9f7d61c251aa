"""Storyboard frames for the preview: a keyframe drawn from its shot's words with Pillow
(no model weights). `scene` reads a step and lays the frame out; the other modules draw
one family of things each (sky, exteriors, interiors, weather, figures, creatures, props);
`words` holds the keyword tables that map English words to what is drawn."""
