"""The agent loop (LangGraph), chat-model engines, the tool-call template and the trajectory log."""
