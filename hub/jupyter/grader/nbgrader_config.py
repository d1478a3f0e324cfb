# The course account's nbgrader settings on the hub (make hub): the course directory holds its own
# nbgrader_config.py (this repository's: the grading engine, the release gate), which nbgrader
# reads after this one; the hub adds where the course and its exchange are.
c = get_config()  # noqa: F821  (injected by nbgrader)

c.CourseDirectory.course_id = "{{course_id}}"
c.CourseDirectory.root = "{{course_dir}}"
c.Exchange.root = "{{exchange}}"
# The formgrader shows due dates and submission times in the course's time zone (course.toml).
c.NbGraderAPI.timezone = "{{timezone}}"
