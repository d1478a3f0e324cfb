# Two commands on a fresh machine (see README):
#   make demo   set up .venv, build the sample submissions, grade them, print the score table
#   make test   set up .venv, lint (ruff) and run the project's tests (what CI runs)
# Students (docs/student.md) work in the student distribution, built from release/ alone:
#   make student-dist  dist/<course>-student/ (+ .zip) and dist/<course>-classroom-template/
#                      (python3 only: no venv needed)
#   make student       that distribution's runtime in its own .venv: JupyterLab 4, nbgrader's Validate
#                      and assignment list, numpy/torch/... (no test tools, no browser)
#   make lab           start JupyterLab from that distribution (its mywork/; never over your work)
# The course on JupyterHub on this machine, for a demo class (README, docs/hub.md); as root:
#   make hub           JupyterHub on 127.0.0.1 with the course, the formgrader as a service, an
#                      instructor and HUB_STUDENTS students (Unix accounts llmc-*; passwords printed)
#   make hub-stop      stop it (every process it started), remove the accounts and the class's files
#   make hub-clean     the same, and its venv and proxy too (all of HUB_ROOT)
#   make test-hub      the class in a browser: release, fetch, submit, collect, autograde, feedback
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HUB_ROOT     ?= /srv/llmc-hub
HUB_STUDENTS ?= 3
STUDENT_DIST = dist/$(shell $(PYTHON) -c 'from grader.course import load; print(load().id)')-student

# apt-get install PACKAGES when root on Debian/Ubuntu; otherwise say what is missing.
define apt_install
{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1)) >/dev/null 2>&1; }
endef
KOREAN_FONT := [ -d /usr/share/fonts/truetype/nanum ] || fc-list 2>/dev/null | grep -qiE 'nanum|noto sans cjk|malgun|applegothic'

.PHONY: setup student-dist student lab browser demo test test-browser build clean \
        hub hub-stop hub-clean test-hub

setup: $(STAMP)

$(STAMP): pyproject.toml
	@# bubblewrap isolates the worker; without it the grader runs with "reduced isolation".
	@command -v bwrap >/dev/null || $(call apt_install,bubblewrap) || \
	  echo "warning: bubblewrap not installed; grading runs with reduced isolation"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Only the assignments that may be released now (answers they carry are past due; see README);
# ids and --allow-early-release go in DIST_ARGS, e.g. make student-dist DIST_ARGS="12_evaluation".
student-dist:
	$(PYTHON) -m grader.authoring.student_dist $(DIST_ARGS)

# The distribution's own targets (its Makefile): setup = its .venv, lab = JupyterLab on its mywork/.
student: student-dist
	$(MAKE) -C $(STUDENT_DIST) setup

lab: student-dist
	$(MAKE) -C $(STUDENT_DIST) lab

# Debian's chromium (no browser download at run time) and a Korean font, for the browser test
# (tests/student/), which `make test` runs.
browser:
	@command -v chromium >/dev/null || $(call apt_install,chromium) || \
	  echo "warning: chromium not installed; the JupyterLab browser test is skipped (fails under CI=true)"
	@$(KOREAN_FONT) || $(call apt_install,fonts-nanum) || \
	  echo "warning: no Korean font; the browser test reports matplotlib's missing-glyph warnings"

# JupyterHub's proxy runs on Node.js (20 or later): installed with apt when root and missing.
hub:
	@command -v npm >/dev/null || $(call apt_install,nodejs npm) || \
	  echo "warning: npm not installed; hub/hubctl.py says what the proxy needs"
	$(PYTHON) hub/hubctl.py start --root $(HUB_ROOT) --students $(HUB_STUDENTS) $(HUB_ARGS)

hub-stop:
	$(PYTHON) hub/hubctl.py stop --root $(HUB_ROOT)

hub-clean:
	$(PYTHON) hub/hubctl.py clean --root $(HUB_ROOT)

demo: setup
	$(PY) -m grader demo

# The linter first (ruff, configured in pyproject.toml: seconds), then everything, the JupyterLab
# browser test included (its own xdist group: one server, one browser).
test: setup browser
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup

# The student-side tests alone (stub runs, check messages, JupyterLab in chromium).
test-browser: setup browser
	CI=true $(PY) -m pytest tests/student -q

# The class on the hub in chromium (tests/hub/, marked `hub`: not part of `make test`). As root;
# starts and stops its own hub under HUB_ROOT (refused while `make hub`'s is running).
test-hub: setup browser
	@command -v npm >/dev/null || $(call apt_install,nodejs npm) || true
	CI=true HUB_ROOT=$(HUB_ROOT) $(PY) -m pytest tests/hub -m hub -q

build: setup
	$(PY) -m grader.authoring.build --all

clean:
	rm -rf build
