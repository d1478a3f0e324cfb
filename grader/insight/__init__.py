"""The instructor's reports on a graded class (written into the report folder by
grader/report_folder.py): item analysis (`analysis`), code similarity (`similarity`) and the LMS
gradebooks (`lms`). Evidence for the instructor; nothing here changes a score."""
