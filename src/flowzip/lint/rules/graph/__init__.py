"""Rules of the graph family: the shape of a flow's graph: cycles, lone stages, link counts, unknown stage types."""
