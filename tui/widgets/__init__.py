"""Widgets of the chat UI, one per file (chat view, answer, tool card, A/B pair, prompt, side panel)."""
