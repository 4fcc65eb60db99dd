"""Screens of the chat UI, one per file: the chat itself and its dialogs (load graph, correction, history)."""
