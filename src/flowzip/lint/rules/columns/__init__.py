"""Rules of the columns family: the columns links carry, against what column propagation computes."""
