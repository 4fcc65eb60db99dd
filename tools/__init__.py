"""Exact graph tools over a GraphBackend, exported as langchain-core tools, and the query cache."""
