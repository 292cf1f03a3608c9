"""The management cycle after the forms are checked: execution monitoring, rankings,
rectification (整改), result application (结果应用) and their workbooks."""
