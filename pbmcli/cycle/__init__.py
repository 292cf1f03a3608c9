"""The management cycle after the forms are checked: execution monitoring, rankings,
rectification (整改), result application (结果应用) and their workbooks."""

# the ranking's dimensions (cycle.ranking); here so that checking a pbm.toml does not load
# the ranking and the ledger
DIMENSIONS = ("execution", "goal_quality", "selfeval", "rectification", "timeliness")
