# Two commands on a fresh machine (see README):
#   make demo   set up .venv, build the sample submissions, grade them, print the score table
#   make test   set up .venv and run the project's tests (what CI runs)
# Students (docs/student.md):
#   make student   the course's runtime only: JupyterLab 4, nbgrader's Validate and assignment list,
#                  numpy/torch/... (no test tools, no browser)
#   make lab       copy the release notebooks into mywork/ (never over your work) and start JupyterLab
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
STUDENT_STAMP := $(VENV)/.student

# apt-get install PACKAGES when root on Debian/Ubuntu; otherwise say what is missing.
define apt_install
{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1)) >/dev/null 2>&1; }
endef
KOREAN_FONT := [ -d /usr/share/fonts/truetype/nanum ] || fc-list 2>/dev/null | grep -qiE 'nanum|noto sans cjk|malgun|applegothic'

.PHONY: setup student lab browser demo test test-browser build clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@# bubblewrap isolates the worker; without it the grader runs with "reduced isolation".
	@command -v bwrap >/dev/null || $(call apt_install,bubblewrap) || \
	  echo "warning: bubblewrap not installed; grading runs with reduced isolation"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(STUDENT_STAMP)

student: $(STUDENT_STAMP)

$(STUDENT_STAMP): pyproject.toml
	@# A Korean font, so that figure titles and labels in Korean are drawn (matplotlib).
	@$(KOREAN_FONT) || $(call apt_install,fonts-nanum) || \
	  echo "참고: 한글 글꼴이 없으면 그림의 한글이 네모로 보입니다 (예: sudo apt-get install fonts-nanum)."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STUDENT_STAMP)

lab: student
	@# 10/11 fine-tune on LibreOffice help paragraphs (Debian packages, unpacked into build/corpus);
	@# without them the notebooks fall back to konlpy sentences.
	@[ -d build/corpus/debs/tree ] || $(PY) scripts/build_corpus.py >/dev/null 2>&1 || \
	  echo "참고: LibreOffice 도움말 데이터를 받지 못했습니다. 10·11 과제는 konlpy 문장으로 실습합니다."
	@mkdir -p mywork
	@for dir in release/*/; do id=$$(basename "$$dir"); \
	  [ -e "mywork/$$id" ] || { cp -R "$$dir" "mywork/$$id"; echo "mywork/$$id: 새 과제를 복사했습니다"; }; done
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=mywork

# Debian's chromium (no browser download at run time) and a Korean font, for the browser test
# (tests/student/), which `make test` runs.
browser:
	@command -v chromium >/dev/null || $(call apt_install,chromium) || \
	  echo "warning: chromium not installed; the JupyterLab browser test is skipped (fails under CI=true)"
	@$(KOREAN_FONT) || $(call apt_install,fonts-nanum) || \
	  echo "warning: no Korean font; the browser test reports matplotlib's missing-glyph warnings"

demo: setup
	$(PY) -m grader demo

# Everything, the JupyterLab browser test included (its own xdist group: one server, one browser).
test: setup browser
	$(PY) -m pytest -n 2 --dist loadgroup

# The student-side tests alone (stub runs, check messages, JupyterLab in chromium).
test-browser: setup browser
	CI=true $(PY) -m pytest tests/student -q

build: setup
	$(PY) -m grader.build --all

clean:
	rm -rf build
