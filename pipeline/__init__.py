"""crpv-pipeline: the web pages of France's centres de ressources politique de la ville -> event data.

Stages, one module each, in the order data flows through them:
load -> clean -> nlp -> dates / entities -> events -> export (run.py puts them together; cli.py is the CLI).
"""

__version__ = "0.1.0"
