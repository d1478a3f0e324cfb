"""JupyterHub for the course: started by `make hub` (hub/hubctl.py), with its settings in the file
$LLMC_HUB_SETTINGS points to (ports, paths, accounts; written by hubctl).

For a real term, copy this file and change the "Who can log in" section (PAM or LTI below) and the
paths; everything else is what a course on one machine needs:

- one Unix account per person: LocalProcessSpawner starts each person's JupyterLab as their own
  account (the hub runs as root), so file permissions keep students out of the course account's
  home (answers, hidden tests, the gradebook), out of each other's homes and out of each other's
  submissions in the nbgrader exchange;
- students' servers run with the student distribution's Jupyter settings (grader/authoring/student_dist.py:
  Assignment List and Validate, no formgrader or create-assignment) and the course's exchange;
- the formgrader is a hub-managed service, /services/<course id>/, running JupyterLab as the course
  account in the course directory (nbgrader's "one class, multiple graders" layout); the hub group
  formgrade-<course id> may use it, students may not. Its autograde scores through the grading
  engine (the course's nbgrader_config.py calls grader.nbgrader_plugin.configure).
"""
import json
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (injected by JupyterHub)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
S = json.loads(Path(os.environ["LLMC_HUB_SETTINGS"]).read_text(encoding="utf-8"))
STATE = Path(S["state"])
VENV_BIN = Path(S["venv"]) / "bin"
COURSE = S["course_id"]
INSTRUCTORS, STUDENTS = S["instructors"], S["students"]
PATH = f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin"

# ----------------------------------------------------------------------------- network and state
# 127.0.0.1 only: put a TLS-terminating reverse proxy (nginx, caddy) in front for a real term.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = S["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.ConfigurableHTTPProxy.command = [S["proxy_command"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{S['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
# On stop the hub ends what it started: everyone's server, the formgrader service, the proxy.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# ----------------------------------------------------------------------------- who can log in
# Demo class (make hub): one random password per account, printed by hubctl; hashes only here.
from demo_authenticator import DemoAuthenticator  # noqa: E402

c.JupyterHub.authenticator_class = DemoAuthenticator
c.DemoAuthenticator.password_file = S["password_file"]
c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)
c.Authenticator.admin_users = set(INSTRUCTORS)

# A real term, option 1: PAM, the Unix accounts' own passwords (JupyterHub's default
# authenticator). Create one account per person (useradd), then:
#   c.JupyterHub.authenticator_class = "pam"
#   c.Authenticator.allowed_users = set()                 # instead, admit by Unix group:
#   c.PAMAuthenticator.allowed_groups = {"llm-course-students", "llm-course-instructors"}
#   c.PAMAuthenticator.admin_groups = {"llm-course-instructors"}
# and list the instructors in load_groups below (the hub's groups are not the Unix groups).
#
# A real term, option 2: LTI 1.3 from the LMS (pip install jupyterhub-ltiauthenticator==<pin>);
# students open the hub from the course page of Canvas/Moodle/Blackboard, never by password:
#   c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
#   c.LTI13Authenticator.issuer = "https://lms.example.ac.kr"                # from the LMS's
#   c.LTI13Authenticator.authorize_url = "https://lms.example.ac.kr/mod/lti/auth.php"  # tool
#   c.LTI13Authenticator.jwks_endpoint = "https://lms.example.ac.kr/mod/lti/certs.php" # registration
#   c.LTI13Authenticator.client_id = {"<client id the LMS gave the tool>"}
#   c.LTI13Authenticator.username_key = "custom_uname"   # a custom LMS field holding the login id
#   c.Authenticator.allow_all = True                     # the LMS decides who may launch
# LocalProcessSpawner needs a Unix account for each LMS user: create them from the roster before
# the term (or in a Spawner.pre_spawn_hook with useradd), and keep names to [a-z0-9-]. The LTI
# launch carries roles (Instructor/Learner) in auth_state; put instructors in the formgrade group
# through c.Authenticator.manage_groups and a post_auth_hook, or list them in load_groups below.

# Instructors land on the formgrader; everyone else on their own JupyterLab.
FORMGRADER = f"/services/{COURSE}/formgrader"


def default_url(handler):
    user = handler.current_user
    return FORMGRADER if user is not None and user.name in INSTRUCTORS else "/hub/spawn"


c.JupyterHub.default_url = default_url

# ----------------------------------------------------------------------------- everyone's JupyterLab
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "PATH": PATH,
    # First: the hub's additions (submissions readable by the course account only); then the
    # student distribution's own settings (no instructor tools; COURSE_EXCHANGE as the exchange).
    "JUPYTER_CONFIG_PATH": os.pathsep.join(S["student_config"]),
    "COURSE_EXCHANGE": S["exchange"],
    # One thread per kernel: many students share the machine's cores.
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
# A busy machine starts JupyterLab slowly; the defaults (60 s, 30 s) are too short for a class
# logging in at once.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 240

# ----------------------------------------------------------------------------- the formgrader
# nbgrader's groups: formgrade-<course> reaches the formgrader service; nbgrader-<course> lists
# the students (what nbgrader's JupyterHubAuthPlugin reads where several courses share a hub).
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": INSTRUCTORS},
    f"nbgrader-{COURSE}": {"users": STUDENTS},
}
c.JupyterHub.load_roles = [
    {"name": f"formgrade-{COURSE}", "groups": [f"formgrade-{COURSE}"],
     "scopes": [f"access:services!service={COURSE}"]},
]
c.JupyterHub.services = [{
    # The name must be the course id: nbgrader's course list links /services/<course id>/.
    "name": COURSE,
    "url": f"http://127.0.0.1:{S['service_port']}",
    "command": [str(VENV_BIN / "jupyterhub-singleuser")],
    "user": S["grader"][0],
    "cwd": S["course_dir"],
    "environment": {
        "PATH": PATH,
        "JUPYTER_CONFIG_PATH": os.pathsep.join(S["grader_config"]),
        "JUPYTERHUB_DEFAULT_URL": "/formgrader",
    },
    "oauth_no_confirm": True,
    "timeout": 300,
}]
