"""Rules of the integrity family: ids and references inside a flow document that name nothing."""
