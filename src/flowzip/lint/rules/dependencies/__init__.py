"""Rules of the dependencies family: assets that flows and jobs name and the archive does not hold."""
