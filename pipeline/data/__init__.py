"""Packaged data files: gazetteers, place lists, date vocabulary, boilerplate rules."""
