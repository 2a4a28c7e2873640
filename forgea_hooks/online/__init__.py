"""Release data for ``check --online``: which versions of a technology exist and which are supported.

``model``, ``mapping``, ``versions``, ``endoflife``, ``github`` and ``cache`` import nothing heavy;
``fetch`` and ``check`` go to the network through the link engine (``forgea_hooks.links``), so they
are imported only when an online check is asked for: offline runs never import requests.
"""

from __future__ import annotations
