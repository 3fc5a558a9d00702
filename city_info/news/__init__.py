"""What the media say about the city: news sources (feeds of local and regional outlets, or of a city
agency's own site) read by the worker on a schedule, and their items that mention the city.

fetching.py   one bounded, conditional HTTP GET of a feed (no database)
parsing.py    feedparser, plain text, the keyword filter and the areas named (no database)
services.py   writes: the sources, and one source's fetch with the items it keeps
selectors.py  reads: the public items, the default keywords, the area names
tasks.py      the worker's task, and the housekeeping job that hands it the sources due
"""
