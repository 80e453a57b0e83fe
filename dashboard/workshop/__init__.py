"""The workshop: guided tours, editing with history and undo, the passcode, live updates."""
