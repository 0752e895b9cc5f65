"""Code that two or more help-desk services need: settings, events, topology, logging, calendar."""
