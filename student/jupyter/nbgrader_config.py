# 학생용 nbgrader 설정: Validate 버튼과 Assignment List(과제 목록)가 읽습니다.
#
# 교환 폴더(exchange)가 없는 강의(파일·LMS·GitHub Classroom으로 과제를 주는 강의)에서는 과제 목록이
# 비어 있는 폴더(jupyter/no-exchange/)를 읽으므로 아무것도 없다고만 나오고 오류는 나오지 않습니다.
# 공용 서버의 nbgrader 교환 폴더를 쓰는 강의라면 강의에서 알려 준 경로를 주세요:
#     COURSE_EXCHANGE=/srv/nbgrader/exchange make lab
# 또는 아래 EXCHANGE = "" 의 따옴표 안에 그 경로를 적습니다 (환경 변수가 있으면 그것이 먼저입니다).
import os
from pathlib import Path

c = get_config()  # noqa: F821  (nbgrader가 넣어 줍니다)

COURSE_ID = "$course_id"
EXCHANGE = ""  # 예: "/srv/nbgrader/exchange"
EXCHANGE = os.environ.get("COURSE_EXCHANGE") or EXCHANGE

c.CourseDirectory.course_id = COURSE_ID
if EXCHANGE:
    c.Exchange.root = EXCHANGE
else:
    _empty = Path(__file__).resolve().parent / "no-exchange"
    try:
        _empty.mkdir(exist_ok=True)
    except OSError:
        pass
    c.Exchange.root = str(_empty)
