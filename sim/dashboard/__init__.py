"""The classroom dashboard: a Mesa SolaraViz app over ``sim.model.Market`` (``run.py dashboard``).

Modules: ``levers`` (controls -> scenario overrides), ``classroom`` (two settings of one market
stepped together), ``figures``/``svg`` (charts), ``story`` (follow a customer), ``components``
(the panels), ``app`` (the Solara page) and ``cli`` (the command).
"""
