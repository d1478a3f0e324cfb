# 확인 셀 도우미: 고치지 말고 실행만 하세요 (채점에는 쓰이지 않습니다).
# 확인 셀의 assert가 실패하거나 아직 채우지 않은 함수(raise NotImplementedError())를 부르면,
# 긴 traceback 대신 무엇을 기대했는지 짧은 한국어 메시지로 보여 줍니다.
# 그 밖의 오류는 평소처럼 전체 traceback이 나옵니다. 내가 쓴 코드의 버그를 찾을 때 필요하니까요.
import linecache as _linecache


def _short_failure(shell, etype, value, tb, tb_offset=None):
    last = tb
    while last.tb_next is not None:
        last = last.tb_next
    code = last.tb_frame.f_code
    name = getattr(code, "co_qualname", code.co_name)
    lines = None
    if issubclass(etype, NotImplementedError):
        what = "이 셀" if code.co_name == "<module>" else f"`{name}`"
        lines = [f"[아직 구현하지 않음] {what}의 코드를 아직 채우지 않았습니다 (NotImplementedError).",
                 "  `# YOUR CODE HERE`와 `raise NotImplementedError()`를 지우고 코드를 채운 뒤,",
                 "  그 셀을 다시 실행하고 이 셀을 다시 실행하세요."]
    elif code.co_name == "<module>":  # 확인 셀에 직접 쓴 assert
        expected = str(value) or _linecache.getline(code.co_filename, last.tb_lineno).strip()
        lines = [f"[확인 실패] 이 셀의 {last.tb_lineno}번째 줄",
                 f"  기대한 것: {expected}",
                 "  함수를 고친 뒤 그 함수의 셀과 이 확인 셀을 다시 실행하세요."]
    if lines is not None:
        try:
            value._render_traceback_ = lambda: lines
        except AttributeError:  # 속성을 붙일 수 없는 예외는 평소 traceback으로
            pass
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


try:
    get_ipython().set_custom_exc((AssertionError, NotImplementedError), _short_failure)  # noqa: F821
except NameError:  # 주피터 밖(일반 파이썬)에서는 평소 traceback
    pass
