"""The classroom dashboard: a Solara page over ``sim.model.Market`` (``run.py dashboard``).

Modules: ``levers`` (set-up controls -> scenario overrides), ``live`` (levers that act on a
running market), ``classroom`` (two settings of one market stepped together), ``markers``
(the story's moments found in a run), ``figures``/``svg`` (charts), ``story`` (follow a
customer), ``cases`` (Info tab texts), ``i18n`` (English / Chinese), ``export`` (PNG, CSV,
command line, YAML), ``ui``/``components`` (the panels), ``app`` (the page) and ``cli``;
the classroom game (``run.py classroom``): ``game`` (teams, join codes, rounds, leaderboard)
and ``hub`` (its HTML pages and JSON over a small standard-library HTTP server).
"""
