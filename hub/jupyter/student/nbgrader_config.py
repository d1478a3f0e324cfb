# The hub's addition to the student distribution's nbgrader settings (jupyter/nbgrader_config.py
# of the distribution comes after this folder on JUPYTER_CONFIG_PATH and sets the course id and the
# exchange from COURSE_EXCHANGE).
#
# nbgrader's submit leaves each submission in the exchange's inbound/ readable (files 644) and
# writable (folder 777) by every account that knows its path. Here the submission is closed to
# other students: files 640 and folders 770. The course account still reads it: the folder and
# the notebooks belong to its group (inbound/ is set-group-ID), and it is a member of every
# student's own group (hub/hubctl.py), which nbgrader's timestamp and secret files get.
import os

from nbgrader.exchange.default.submit import ExchangeSubmit

c = get_config()  # noqa: F821  (injected by nbgrader)


class CourseOnlySubmit(ExchangeSubmit):
    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _, files in os.walk(submission):
            for name in files:
                os.chmod(os.path.join(folder, name), 0o640)
            os.chmod(folder, 0o770)  # the course account may remove it (nbgrader's own intent)


c.ExchangeFactory.submit = CourseOnlySubmit
