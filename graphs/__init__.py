"""The graph layer: backends (networkx, Neo4j), loaders, the in-question graph parser, sample graphs."""
