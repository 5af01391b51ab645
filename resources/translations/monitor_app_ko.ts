<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko">
<context>
    <name>Accounts</name>
    <message>
        <source>At least %1 characters, not only digits, not the same as the username, at most %2 bytes (a Korean character takes 3).</source>
        <translation>%1자 이상이어야 하며, 숫자로만 이루어지거나 사용자 이름과 같으면 안 됩니다. 최대 %2바이트 (한글은 한 글자에 3바이트).</translation>
    </message>
</context>
<context>
    <name>ActionResultView</name>
    <message>
        <source>%1: running…</source>
        <translation>%1: 실행 중…</translation>
    </message>
    <message>
        <source>%1: running as job #%2; its progress shows in Automation › Jobs…</source>
        <translation>%1: 작업 #%2로 실행 중… (진행 상황은 자동화 › 작업에 표시됩니다)</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1 (%2): %3</translation>
    </message>
    <message>
        <source>%1 (%2):</source>
        <translation>%1 (%2):</translation>
    </message>
    <message>
        <source>the first %1 of %2 rows</source>
        <translation>%2행 중 처음 %1행</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 실패: %2</translation>
    </message>
</context>
<context>
    <name>AlertRuleDialog</name>
    <message>
        <source>Add alert rule</source>
        <translation>알림 규칙 추가</translation>
    </message>
    <message>
        <source>Edit alert rule</source>
        <translation>알림 규칙 수정</translation>
    </message>
    <message>
        <source>What to watch</source>
        <translation>감시할 내용</translation>
    </message>
    <message>
        <source>What to do when it fires</source>
        <translation>발생했을 때 할 일</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Watch for</source>
        <translation>감시 항목</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>디스크</translation>
    </message>
    <message>
        <source>Also</source>
        <translation>추가 동작</translation>
    </message>
    <message>
        <source>Plugin action</source>
        <translation>플러그인 동작</translation>
    </message>
    <message>
        <source>All programs (each on its own)</source>
        <translation>모든 프로그램 (프로그램마다 따로)</translation>
    </message>
    <message>
        <source>Every disk</source>
        <translation>모든 디스크</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>초</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>분</translation>
    </message>
    <message>
        <source>e.g. Palworld memory leak</source>
        <translation>예: 팰월드 메모리 누수</translation>
    </message>
    <message>
        <source>Notify: webhooks (“Alert fired” / “Alert resolved”) and a tray message</source>
        <translation>알림 보내기: 웹훅(“알림 발생” / “알림 해제”)과 트레이 메시지</translation>
    </message>
    <message>
        <source>The event log records every firing either way.</source>
        <translation>알림 발생은 이 설정과 관계없이 항상 이벤트 로그에 기록됩니다.</translation>
    </message>
    <message>
        <source>Nothing else</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Restart the program</source>
        <translation>프로그램 재시작</translation>
    </message>
    <message>
        <source>Run a plugin action</source>
        <translation>플러그인 동작 실행</translation>
    </message>
    <message>
        <source>Every firing restarts the program. Pick a limit it stays under right after a start, or it will be restarted again and again.</source>
        <translation>규칙이 발생할 때마다 프로그램을 재시작합니다. 막 시작한 프로그램도 넘지 않는 기준을 고르세요. 그렇지 않으면 재시작이 계속 반복됩니다.</translation>
    </message>
    <message>
        <source>&lt;plugin id&gt;:&lt;action&gt;, e.g. palworld:save</source>
        <translation>&lt;플러그인 ID&gt;:&lt;동작&gt;, 예: palworld:save</translation>
    </message>
    <message>
        <source>Plugin actions arrive with the plugin system; until then a firing rule records an error in the event log instead.</source>
        <translation>플러그인 동작은 플러그인 시스템과 함께 제공될 예정입니다. 그전까지는 규칙이 발생하면 대신 이벤트 로그에 오류가 기록됩니다.</translation>
    </message>
    <message>
        <source>Enabled (a switched-off rule is kept but not checked)</source>
        <translation>사용 (꺼 둔 규칙은 남아 있지만 검사하지 않습니다)</translation>
    </message>
    <message>
        <source>CPU at or above</source>
        <translation>CPU 사용률 (이상)</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Memory at or above</source>
        <translation>메모리 (이상)</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Memory limit</source>
        <translation>메모리 한도</translation>
    </message>
    <message>
        <source>More than</source>
        <translation>재시작 횟수 (초과)</translation>
    </message>
    <message>
        <source> restarts</source>
        <translation>회</translation>
    </message>
    <message>
        <source>Free space below</source>
        <translation>여유 공간 (미만)</translation>
    </message>
    <message>
        <source>For at least</source>
        <translation>지속 시간</translation>
    </message>
    <message>
        <source>Projected within</source>
        <translation>예측 기간</translation>
    </message>
    <message>
        <source>Down for at least</source>
        <translation>중단 시간</translation>
    </message>
    <message>
        <source>Within</source>
        <translation>기간</translation>
    </message>
    <message>
        <source>How far ahead the memory trend is projected (1 min to 24 h).</source>
        <translation>메모리 추세를 얼마나 앞까지 예측할지 정합니다 (1분~24시간).</translation>
    </message>
    <message>
        <source>The sliding window the restarts are counted in (1 min to 24 h).</source>
        <translation>재시작 횟수를 세는 최근 기간입니다 (1분~24시간).</translation>
    </message>
    <message>
        <source>0 fires at the first sample that crosses the limit (at most 24 h).</source>
        <translation>0이면 기준을 넘은 첫 측정에서 바로 발생합니다 (최대 24시간).</translation>
    </message>
</context>
<context>
    <name>AlertRules</name>
    <message>
        <source>%1 h</source>
        <translation>%1시간</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1분</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>CPU use too high</source>
        <translation>CPU 사용률 높음</translation>
    </message>
    <message>
        <source>Memory use too high</source>
        <translation>메모리 사용량 많음</translation>
    </message>
    <message>
        <source>Memory growing toward a limit (leak)</source>
        <translation>메모리가 한도를 향해 증가 (누수)</translation>
    </message>
    <message>
        <source>Program down</source>
        <translation>프로그램 중단</translation>
    </message>
    <message>
        <source>Crash loop (too many restarts)</source>
        <translation>반복 충돌 (재시작 과다)</translation>
    </message>
    <message>
        <source>Disk space low</source>
        <translation>디스크 여유 공간 부족</translation>
    </message>
    <message>
        <source>Fires when the program&apos;s CPU use (all its processes, as Task Manager counts it) stays at or above the limit for the whole time given.</source>
        <translation>프로그램의 CPU 사용률(작업 관리자처럼 모든 프로세스를 합산)이 정한 시간 내내 기준 이상이면 발생합니다.</translation>
    </message>
    <message>
        <source>Fires when the program&apos;s memory (all its processes) stays at or above the limit for the whole time given. With “Restart the program” it keeps a leaking server in check.</source>
        <translation>프로그램의 메모리(모든 프로세스 합산)가 정한 시간 내내 기준 이상이면 발생합니다. “프로그램 재시작”과 함께 쓰면 메모리가 새는 서버를 관리할 수 있습니다.</translation>
    </message>
    <message>
        <source>Fires when memory keeps rising and, at its current pace, would reach the limit within the time given: a warning before a leak hurts. It needs 5 minutes of samples first.</source>
        <translation>메모리가 계속 늘어 지금 속도라면 정한 시간 안에 한도에 도달할 때 발생합니다. 누수가 문제를 일으키기 전에 미리 알려 줍니다. 먼저 5분 동안의 측정값이 필요합니다.</translation>
    </message>
    <message>
        <source>Fires when a program that should run has been down (crashed, waiting to retry, or given up) for the time given. Stopping it yourself does not count.</source>
        <translation>실행 중이어야 할 프로그램이 정한 시간 동안 중단(비정상 종료, 재시도 대기, 재시작 포기) 상태이면 발생합니다. 직접 중지한 경우는 해당하지 않습니다.</translation>
    </message>
    <message>
        <source>Fires when a program had to be restarted after unexpected exits more often than the number given within the time window: a crash loop.</source>
        <translation>정한 기간 안에 프로그램이 예기치 않게 종료되어 재시작된 횟수가 기준을 넘으면 발생합니다. 충돌이 반복되는 상황을 잡아냅니다.</translation>
    </message>
    <message>
        <source>Fires when a disk&apos;s free space stays below the percentage given. It watches the whole machine, not a program.</source>
        <translation>디스크 여유 공간이 정한 비율 미만으로 유지되면 발생합니다. 프로그램이 아니라 컴퓨터 전체를 감시합니다.</translation>
    </message>
    <message>
        <source>CPU above %1 %</source>
        <translation>CPU %1 % 이상</translation>
    </message>
    <message>
        <source>Memory above %1 MB</source>
        <translation>메모리 %1 MB 이상</translation>
    </message>
    <message>
        <source>Memory heading for %1 MB within %2</source>
        <translation>%2 안에 메모리 %1 MB 도달 예상</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>중단됨</translation>
    </message>
    <message>
        <source>Down for %1</source>
        <translation>%1 이상 중단됨</translation>
    </message>
    <message numerus="yes">
        <source>More than %n restart(s) within %1</source>
        <translation>
            <numerusform>%1 안에 %n회 넘게 재시작</numerusform>
        </translation>
    </message>
    <message>
        <source>Free space on %2 below %1 %</source>
        <translation>%2 여유 공간 %1 % 미만</translation>
    </message>
    <message>
        <source>Free space below %1 % on any disk</source>
        <translation>어느 디스크든 여유 공간 %1 % 미만</translation>
    </message>
    <message>
        <source>%1 for %2</source>
        <translation>%1 (%2 지속)</translation>
    </message>
    <message>
        <source>%1 MB projected</source>
        <translation>예상 %1 MB</translation>
    </message>
    <message>
        <source>down %1</source>
        <translation>%1 중단</translation>
    </message>
    <message numerus="yes">
        <source>%n restart(s)</source>
        <translation>
            <numerusform>%n회 재시작</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 % free</source>
        <translation>여유 %1 %</translation>
    </message>
    <message>
        <source>Notify</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>재시작</translation>
    </message>
    <message>
        <source>Plugin action %1</source>
        <translation>플러그인 동작 %1</translation>
    </message>
    <message>
        <source>Event log only</source>
        <translation>이벤트 기록만</translation>
    </message>
    <message>
        <source>Whole machine</source>
        <translation>컴퓨터 전체</translation>
    </message>
    <message>
        <source>All programs</source>
        <translation>모든 프로그램</translation>
    </message>
    <message>
        <source>#%1 (removed)</source>
        <translation>#%1 (삭제됨)</translation>
    </message>
</context>
<context>
    <name>AlertRulesModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Watches</source>
        <translation>감시 조건</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>정상</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>꺼짐</translation>
    </message>
    <message>
        <source>Firing since %1 (%2)</source>
        <translation>%1부터 발생 중 (%2)</translation>
    </message>
    <message numerus="yes">
        <source>Firing on %n disk(s) since %1</source>
        <translation>
            <numerusform>%1부터 디스크 %n개에서 발생 중</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Firing on %n program(s) since %1</source>
        <translation>
            <numerusform>%1부터 프로그램 %n개에서 발생 중</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 since %3</source>
        <translation>%1: %2 (%3부터)</translation>
    </message>
</context>
<context>
    <name>AlertRulesView</name>
    <message>
        <source>Delete alert rule</source>
        <translation>알림 규칙 삭제</translation>
    </message>
    <message>
        <source>Delete the alert rule “%1”?</source>
        <translation>알림 규칙 “%1”을(를) 삭제할까요?</translation>
    </message>
    <message>
        <source>It is firing now; it stops without an “alert resolved” message.</source>
        <translation>지금 발생 중인 규칙입니다. “알림 해제” 메시지 없이 중단됩니다.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>켜기</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>끄기</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s) firing</source>
        <translation>
            <numerusform>규칙 %n개 발생 중</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a rule to see what it has firing.</source>
        <translation>규칙을 선택하면 발생 중인 알림을 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>No alert rules yet. Add one to be told when a server uses too much CPU or memory, stays down, keeps crashing, or a disk fills up, and optionally to restart it.</source>
        <translation>아직 알림 규칙이 없습니다. 서버가 CPU나 메모리를 너무 많이 쓰거나, 계속 중단되어 있거나, 충돌을 반복하거나, 디스크가 가득 찰 때 알림을 받으려면 규칙을 추가하세요. 필요하면 서버를 재시작하게 할 수도 있습니다.</translation>
    </message>
    <message>
        <source>Alert rules</source>
        <translation>알림 규칙</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <source>Watch CPU, memory, crashes or disk space and act when a limit is crossed</source>
        <translation>CPU, 메모리, 충돌, 디스크 공간을 감시하고 기준을 넘으면 동작합니다</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>수정…</translation>
    </message>
    <message>
        <source>Switch the selected rule on or off</source>
        <translation>선택한 규칙을 켜거나 끕니다</translation>
    </message>
</context>
<context>
    <name>ApiKeyDialog</name>
    <message>
        <source>Create API key</source>
        <translation>API 키 만들기</translation>
    </message>
    <message>
        <source>What it is for</source>
        <translation>용도</translation>
    </message>
    <message>
        <source>Acts as</source>
        <translation>소유자</translation>
    </message>
    <message>
        <source>e.g. backup script</source>
        <translation>예: 백업 스크립트</translation>
    </message>
    <message>
        <source>The key has the rights of its user, and stops working when the user is removed.</source>
        <translation>키는 소유자와 같은 권한을 가지며, 그 사용자가 제거되면 더 이상 작동하지 않습니다.</translation>
    </message>
    <message>
        <source>Enter what the key is for.</source>
        <translation>키의 용도를 입력하세요.</translation>
    </message>
    <message>
        <source>Choose the user the key acts as.</source>
        <translation>키의 소유자를 선택하세요.</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Another monitor_app (%1) is using this data folder:
%2</source>
        <translation>다른 monitor_app(%1)이 이 데이터 폴더를 사용 중입니다:
%2</translation>
    </message>
    <message>
        <source>Cannot open the database:
%1</source>
        <translation>데이터베이스를 열 수 없습니다:
%1</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>주체</translation>
    </message>
    <message>
        <source>From</source>
        <translation>출처</translation>
    </message>
    <message>
        <source>What</source>
        <translation>내용</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>상세</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <source>Window</source>
        <translation>창</translation>
    </message>
    <message>
        <source>Cannot read the audit log: %1</source>
        <translation>감사 로그를 읽을 수 없습니다: %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n entries to </source>
        <translation>
            <numerusform>항목 %n개를 내보냈습니다: </numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: </source>
        <translation>내보내기 실패: </translation>
    </message>
    <message>
        <source>Export audit log</source>
        <translation>감사 로그 내보내기</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>주체</translation>
    </message>
    <message>
        <source>Search the audit log</source>
        <translation>감사 로그 검색</translation>
    </message>
    <message>
        <source>Everyone and everything</source>
        <translation>모든 주체</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>최근 24시간</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>최근 7일</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>최근 30일</translation>
    </message>
    <message>
        <source>Everything kept</source>
        <translation>보관된 전체 기간</translation>
    </message>
    <message>
        <source>From – to</source>
        <translation>기간 지정</translation>
    </message>
    <message>
        <source>When</source>
        <translation>기간</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
</context>
<context>
    <name>Automation</name>
    <message>
        <source>now</source>
        <translation>지금</translation>
    </message>
    <message numerus="yes">
        <source>in %n s</source>
        <translation>
            <numerusform>%n초 후</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n min</source>
        <translation>
            <numerusform>%n분 후</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in %n h</source>
        <translation>
            <numerusform>%n시간 후</numerusform>
        </translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>응답 없음</translation>
    </message>
    <message>
        <source>HTTP %1</source>
        <translation>HTTP %1</translation>
    </message>
</context>
<context>
    <name>BootEngineStatus</name>
    <message>
        <source>The background engine cannot read your saved secrets: it was registered without your Windows password, so webhook URLs and plugin passwords stay off while it runs. Register it again with your password to fix this.</source>
        <translation>백그라운드 엔진이 저장된 비밀 정보를 읽을 수 없습니다. Windows 비밀번호 없이 등록되어 실행 중에는 웹훅 URL과 플러그인 비밀번호를 쓸 수 없습니다. 해결하려면 비밀번호와 함께 다시 등록하세요.</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>참고: %1</translation>
    </message>
    <message>
        <source>Cannot tell whether the background engine is installed: %1</source>
        <translation>백그라운드 엔진이 설치되어 있는지 확인할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Background engine: installed (%1; %2).</source>
        <translation>백그라운드 엔진: 설치됨 (%1; %2).</translation>
    </message>
    <message>
        <source>Background engine: not installed (%1).</source>
        <translation>백그라운드 엔진: 설치 안 됨 (%1).</translation>
    </message>
    <message>
        <source>no API address</source>
        <translation>API 주소 없음</translation>
    </message>
    <message>
        <source>Running in the background (process %1) at %2.</source>
        <translation>백그라운드에서 실행 중 (프로세스 %1, %2).</translation>
    </message>
    <message>
        <source>The engine runs in a window (process %1) at %2, not in the background.</source>
        <translation>엔진이 백그라운드가 아니라 창에서 실행 중입니다 (프로세스 %1, %2).</translation>
    </message>
    <message>
        <source>Running in the background; its address is not known yet.</source>
        <translation>백그라운드에서 실행 중이며, 주소는 아직 알 수 없습니다.</translation>
    </message>
    <message>
        <source>Not running now.</source>
        <translation>지금은 실행 중이 아닙니다.</translation>
    </message>
    <message>
        <source>Whether it runs now is not known.</source>
        <translation>지금 실행 중인지 알 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>BootPasswordDialog</name>
    <message>
        <source>Start the background engine at boot</source>
        <translation>부팅 시 백그라운드 엔진 시작</translation>
    </message>
    <message>
        <source>Windows needs your account password to start the engine at boot with access to your saved secrets (webhook URLs, plugin passwords); monitor_app does not keep it, Task Scheduler stores it. After you change your Windows password, register again here.</source>
        <translation>부팅 시 엔진이 저장된 비밀 정보(웹훅 URL, 플러그인 비밀번호)에 접근할 수 있도록 시작하려면 Windows 계정 비밀번호가 필요합니다. 비밀번호는 monitor_app이 보관하지 않고 작업 스케줄러가 저장합니다. Windows 비밀번호를 바꾼 뒤에는 여기서 다시 등록하세요.</translation>
    </message>
    <message>
        <source>Windows account:</source>
        <translation>Windows 계정:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>비밀번호:</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>등록</translation>
    </message>
    <message>
        <source>Without my password</source>
        <translation>비밀번호 없이 등록</translation>
    </message>
    <message>
        <source>Without your password the engine still starts at boot, but webhook URLs and plugin passwords will not be available to the background engine: Discord alerts and plugin controls that need them stay off. Choose this if your account has no password or signs in only with a PIN.</source>
        <translation>비밀번호 없이도 엔진은 부팅 시 시작되지만, 백그라운드 엔진이 웹훅 URL과 플러그인 비밀번호를 쓸 수 없어 이를 필요로 하는 Discord 알림과 플러그인 제어는 꺼진 상태로 남습니다. 계정에 비밀번호가 없거나 PIN으로만 로그인한다면 이 방법을 선택하세요.</translation>
    </message>
</context>
<context>
    <name>Cause</name>
    <message>
        <source>You (window)</source>
        <translation>사용자 (창)</translation>
    </message>
    <message>
        <source>REST API</source>
        <translation>REST API</translation>
    </message>
    <message>
        <source>Restart policy</source>
        <translation>재시작 정책</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>예약 작업</translation>
    </message>
    <message>
        <source>Alert rule</source>
        <translation>알림 규칙</translation>
    </message>
    <message>
        <source>Plugin</source>
        <translation>플러그인</translation>
    </message>
    <message>
        <source>monitor_app</source>
        <translation>monitor_app</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>재시작</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Enter the API key (an administrator creates it on the Users page).</source>
        <translation>API 키를 입력하세요 (관리자가 사용자 탭에서 만듭니다).</translation>
    </message>
    <message>
        <source>Enter your username and password for that PC.</source>
        <translation>그 PC의 사용자 이름과 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>%1에 연결하는 중…</translation>
    </message>
    <message>
        <source>Waiting for you to check the certificate…</source>
        <translation>인증서 확인을 기다리는 중…</translation>
    </message>
    <message>
        <source>Trust this certificate?</source>
        <translation>이 인증서를 신뢰할까요?</translation>
    </message>
    <message>
        <source>%1 uses a certificate this PC has not seen before. Compare its fingerprint with the one shown on that PC (Settings, REST API) before you trust it:</source>
        <translation>%1은(는) 이 PC가 처음 보는 인증서를 사용합니다. 신뢰하기 전에 지문을 그 PC에 표시된 지문(설정 &gt; 원격 접속)과 비교하세요:</translation>
    </message>
    <message>
        <source>Trust and connect</source>
        <translation>신뢰하고 연결</translation>
    </message>
    <message>
        <source>Do not connect</source>
        <translation>연결 안 함</translation>
    </message>
    <message>
        <source>Not connected: the certificate was not trusted.</source>
        <translation>연결하지 않음: 인증서를 신뢰하지 않았습니다.</translation>
    </message>
    <message>
        <source>Signing in at %1…</source>
        <translation>%1에 로그인하는 중…</translation>
    </message>
    <message>
        <source>Refused: %1 presented a different certificate than the one you trusted before.
Now: %2
Trusted: %3
Another machine may be answering at this address. Only if that PC&apos;s certificate was replaced on purpose, forget the old one and connect again.</source>
        <translation>거부됨: %1이(가) 이전에 신뢰한 것과 다른 인증서를 제시했습니다.
현재: %2
신뢰한 인증서: %3
이 주소에서 다른 컴퓨터가 응답하고 있을 수 있습니다. 그 PC의 인증서를 일부러 바꾼 경우에만 이전 인증서를 잊고 다시 연결하세요.</translation>
    </message>
    <message>
        <source>The engine refused this API key (wrong, revoked or expired).</source>
        <translation>엔진이 이 API 키를 거부했습니다 (잘못된 키이거나 폐기 또는 만료됨).</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>사용자 이름 또는 비밀번호가 잘못되었습니다.</translation>
    </message>
    <message>
        <source>The old certificate of %1 is forgotten. Connect again to see the new one and decide.</source>
        <translation>%1의 이전 인증서를 잊었습니다. 다시 연결하여 새 인증서를 확인하고 결정하세요.</translation>
    </message>
    <message>
        <source>Trusted certificate (SHA-256): %1</source>
        <translation>신뢰한 인증서 (SHA-256): %1</translation>
    </message>
    <message>
        <source>First connection: you will be shown the certificate to trust.</source>
        <translation>첫 연결: 신뢰할 인증서가 표시됩니다.</translation>
    </message>
    <message>
        <source>Not encrypted (http): use https if the engine serves it.</source>
        <translation>암호화되지 않음 (http): 엔진이 https를 지원하면 https를 사용하세요.</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 키</translation>
    </message>
    <message>
        <source>Connect to another PC</source>
        <translation>다른 PC에 연결</translation>
    </message>
    <message>
        <source>Open a window on the engine of another PC on your network. Its REST API must be open to the network there (Settings, REST API).</source>
        <translation>네트워크에 있는 다른 PC의 엔진을 창으로 엽니다. 그 PC에서 REST API가 네트워크에 열려 있어야 합니다 (설정 &gt; 원격 접속).</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>최근 연결</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>주소</translation>
    </message>
    <message>
        <source>192.168.0.10, server:8080 or https://server:8080</source>
        <translation>192.168.0.10, server:8080 또는 https://server:8080</translation>
    </message>
    <message>
        <source>Username and password</source>
        <translation>사용자 이름과 비밀번호</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>Forget the old certificate</source>
        <translation>이전 인증서 잊기</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>연결</translation>
    </message>
</context>
<context>
    <name>DeliveriesModel</name>
    <message>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>응답 시간</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>시도</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>Another attempt follows</source>
        <translation>다시 시도할 예정입니다</translation>
    </message>
    <message>
        <source>Last attempt</source>
        <translation>마지막 시도</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1ms</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <source>Connecting to the engine at %1…</source>
        <translation>%1의 엔진에 연결하는 중…</translation>
    </message>
    <message>
        <source>Attached to the engine at %1</source>
        <translation>%1의 엔진에 연결됨</translation>
    </message>
    <message>
        <source>Connection to %1 lost; reconnecting…</source>
        <translation>%1 연결이 끊겼습니다. 다시 연결하는 중…</translation>
    </message>
    <message>
        <source>The engine at %1 refused the sign-in</source>
        <translation>%1의 엔진이 로그인을 거부했습니다</translation>
    </message>
    <message>
        <source>REST API not started: </source>
        <translation>REST API를 시작하지 못했습니다: </translation>
    </message>
    <message>
        <source>%1 no longer accepts this window&apos;s API key.</source>
        <translation>%1에서 이 창의 API 키를 더 이상 받아들이지 않습니다.</translation>
    </message>
    <message>
        <source>The background engine runs with its own settings: the sampling, history and REST API changes are saved and apply when it restarts.</source>
        <translation>백그라운드 엔진은 자체 설정으로 실행됩니다. 측정, 기록, REST API 변경 사항은 저장되며 엔진이 다시 시작되면 적용됩니다.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Background engine</source>
        <translation>백그라운드 엔진</translation>
    </message>
    <message>
        <source>monitor_app is still running</source>
        <translation>monitor_app이 계속 실행 중입니다</translation>
    </message>
    <message>
        <source>Your programs keep running. Open monitor_app from the tray icon; quit it from its menu.</source>
        <translation>프로그램은 계속 실행됩니다. 트레이 아이콘에서 monitor_app을 열고, 메뉴에서 끝낼 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>Events</name>
    <message>
        <source> (unexpected)</source>
        <translation> (예기치 않음)</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>등록됨</translation>
    </message>
    <message>
        <source>Settings changed</source>
        <translation>설정 변경됨</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>삭제됨</translation>
    </message>
    <message>
        <source>Not re-attached</source>
        <translation>다시 연결 안 됨</translation>
    </message>
    <message>
        <source>Leftover processes killed</source>
        <translation>남은 프로세스 종료됨</translation>
    </message>
    <message>
        <source>Command refused</source>
        <translation>명령 거부됨</translation>
    </message>
    <message>
        <source>Change by a user</source>
        <translation>사용자 변경</translation>
    </message>
    <message>
        <source>Re-attached</source>
        <translation>다시 연결됨</translation>
    </message>
    <message>
        <source>Alert fired</source>
        <translation>알림 발생</translation>
    </message>
    <message>
        <source>Alert resolved</source>
        <translation>알림 해제</translation>
    </message>
    <message>
        <source>Scheduled action</source>
        <translation>예약 실행</translation>
    </message>
    <message>
        <source>Schedule missed</source>
        <translation>예약 실행 놓침</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>오류</translation>
    </message>
</context>
<context>
    <name>EventsModel</name>
    <message>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>내용</translation>
    </message>
    <message>
        <source>By</source>
        <translation>주체</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>종료 코드</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>상세</translation>
    </message>
</context>
<context>
    <name>EventsView</name>
    <message>
        <source>Cannot read the event log: %1</source>
        <translation>이벤트 기록을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>All programs</source>
        <translation>모든 프로그램</translation>
    </message>
    <message>
        <source>Export events</source>
        <translation>이벤트 내보내기</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n event(s) to </source>
        <translation>
            <numerusform>이벤트 %n개를 내보냈습니다: </numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: </source>
        <translation>내보내기 실패: </translation>
    </message>
    <message>
        <source>Search events</source>
        <translation>이벤트 검색</translation>
    </message>
    <message>
        <source>Problems only</source>
        <translation>문제만 보기</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV 내보내기…</translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>The password %1</source>
        <translation>비밀번호: %1</translation>
    </message>
    <message>
        <source>Administrator password</source>
        <translation>관리자 비밀번호</translation>
    </message>
    <message>
        <source>Choose the password of the user &quot;admin&quot;. It signs in to monitor_app&apos;s REST API (from a phone, a script or another PC), and to this window when sign-in is required. There is no default password.</source>
        <translation>사용자 &quot;admin&quot;의 비밀번호를 정하세요. 휴대폰, 스크립트, 다른 PC에서 monitor_app REST API에 로그인할 때와, 로그인이 필요할 때 이 창에 로그인할 때 씁니다. 기본 비밀번호는 없습니다.</translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <source>KiB</source>
        <translation>KiB</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>TiB</source>
        <translation>TiB</translation>
    </message>
    <message>
        <source>PiB</source>
        <translation>PiB</translation>
    </message>
    <message>
        <source>{number} {unit}</source>
        <translation>{number} {unit}</translation>
    </message>
    <message>
        <source>{size}/s</source>
        <translation>{size}/초</translation>
    </message>
    <message>
        <source>{value}%</source>
        <translation>{value}%</translation>
    </message>
    <message>
        <source>{days} d {hours} h</source>
        <translation>{days}일 {hours}시간</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours}시간 {minutes}분</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes}분 {seconds}초</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds}초</translation>
    </message>
</context>
<context>
    <name>GuiSession</name>
    <message>
        <source>Signed in as guest: changing things needs an admin account</source>
        <translation>게스트로 로그인됨: 변경하려면 관리자 계정이 필요합니다</translation>
    </message>
    <message>
        <source>The window is locked: sign in again to change things</source>
        <translation>창이 잠겨 있음: 변경하려면 다시 로그인하세요</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>관리자</translation>
    </message>
    <message>
        <source>guest</source>
        <translation>게스트</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <source>yyyy-MM-dd HH:mm:ss</source>
        <translation>yyyy-MM-dd HH:mm:ss</translation>
    </message>
    <message>
        <source>{label}: avg {avg}, max {max}</source>
        <translation>{label}: 평균 {avg}, 최대 {max}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>불러오는 중…</translation>
    </message>
    <message>
        <source>No data for this range</source>
        <translation>이 기간의 데이터가 없습니다</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>시작됨</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>종료됨</translation>
    </message>
    <message>
        <source>Crashed</source>
        <translation>비정상 종료</translation>
    </message>
    <message>
        <source>Restarted</source>
        <translation>재시작됨</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>이벤트</translation>
    </message>
</context>
<context>
    <name>JobKind</name>
    <message>
        <source>Webhook delivery</source>
        <translation>웹훅 전송</translation>
    </message>
    <message>
        <source>Scheduled action</source>
        <translation>예약 실행</translation>
    </message>
    <message>
        <source>Alert action</source>
        <translation>알림 규칙 동작</translation>
    </message>
    <message>
        <source>Plugin action</source>
        <translation>플러그인 동작</translation>
    </message>
</context>
<context>
    <name>JobState</name>
    <message>
        <source>Queued</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
</context>
<context>
    <name>JobsModel</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>시도</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>다음 실행</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>마지막 오류</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>생성 시각</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>종료 시각</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>진행</translation>
    </message>
</context>
<context>
    <name>JobsView</name>
    <message numerus="yes">
        <source>%n job(s) selected</source>
        <translation>
            <numerusform>작업 %n개 선택됨</numerusform>
        </translation>
    </message>
    <message>
        <source>Kind: %1</source>
        <translation>종류: %1</translation>
    </message>
    <message>
        <source>next attempt %1</source>
        <translation>다음 시도 %1</translation>
    </message>
    <message>
        <source>State: %1</source>
        <translation>상태: %1</translation>
    </message>
    <message>
        <source>Attempts: %1 of %2</source>
        <translation>시도: %1/%2회</translation>
    </message>
    <message>
        <source>Progress: %1</source>
        <translation>진행: %1</translation>
    </message>
    <message>
        <source>Created: %1</source>
        <translation>생성: %1</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>종료: %1</translation>
    </message>
    <message>
        <source>Last error:</source>
        <translation>마지막 오류:</translation>
    </message>
    <message>
        <source>Result: %1</source>
        <translation>결과: %1</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>작업</translation>
    </message>
    <message>
        <source>All jobs</source>
        <translation>모든 작업</translation>
    </message>
    <message>
        <source>Active (queued or running)</source>
        <translation>진행 중 (대기·실행)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>Search jobs</source>
        <translation>작업 검색</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>재시도</translation>
    </message>
    <message>
        <source>Run the selected failed or cancelled jobs again, with fresh attempts</source>
        <translation>선택한 실패·취소 작업을 시도 횟수를 초기화하여 다시 실행합니다</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Stop the selected jobs from running (again)</source>
        <translation>선택한 작업이 (다시) 실행되지 않도록 취소합니다</translation>
    </message>
    <message>
        <source>Copy error</source>
        <translation>오류 복사</translation>
    </message>
    <message>
        <source>Select a job to see its details and its full error.</source>
        <translation>작업을 선택하면 자세한 내용과 전체 오류 메시지가 표시됩니다.</translation>
    </message>
</context>
<context>
    <name>KeyShownDialog</name>
    <message>
        <source>API key created</source>
        <translation>API 키 생성됨</translation>
    </message>
    <message>
        <source>Copy the key “%1” now and keep it somewhere safe: you will not see it again. If it is lost, revoke it and create a new one.</source>
        <translation>키 “%1”을(를) 지금 복사해 안전한 곳에 보관하세요. 다시는 볼 수 없습니다. 잃어버렸다면 폐기하고 새로 만드세요.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>클립보드에 복사했습니다.</translation>
    </message>
</context>
<context>
    <name>LiveChart</name>
    <message>
        <source>Waiting for data…</source>
        <translation>데이터를 기다리는 중…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Database writes work again</source>
        <translation>데이터베이스 쓰기가 다시 정상입니다</translation>
    </message>
    <message>
        <source>monitor_app — %1</source>
        <translation>monitor_app — %1</translation>
    </message>
    <message>
        <source>monitor_app</source>
        <translation>monitor_app</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>수정…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>재시작</translation>
    </message>
    <message>
        <source>Open log</source>
        <translation>로그 열기</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>폴더 열기</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Connect to another PC…</source>
        <translation>다른 PC에 연결…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>끝내기</translation>
    </message>
    <message>
        <source>About monitor_app</source>
        <translation>monitor_app 정보</translation>
    </message>
    <message>
        <source>Register a program to monitor</source>
        <translation>모니터링할 프로그램을 등록합니다</translation>
    </message>
    <message>
        <source>Open a window on the engine of another PC on the network</source>
        <translation>네트워크에 있는 다른 PC의 엔진을 창으로 엽니다</translation>
    </message>
    <message>
        <source>Filter programs</source>
        <translation>프로그램 필터</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Program</source>
        <translation>프로그램(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Programs</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>System</source>
        <translation>시스템</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>이벤트 기록</translation>
    </message>
    <message>
        <source>Automation</source>
        <translation>자동화</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>감사 로그</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>Local engine</source>
        <translation>로컬 엔진</translation>
    </message>
    <message>
        <source>Delete programs</source>
        <translation>프로그램 삭제</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n program(s)?</source>
        <translation>
            <numerusform>프로그램 %n개를 삭제할까요?</numerusform>
        </translation>
    </message>
    <message>
        <source>Their settings and history are removed; the event log keeps what happened.</source>
        <translation>설정과 기록이 삭제됩니다. 이벤트 기록에는 남습니다.</translation>
    </message>
    <message>
        <source>Some of them are running. They will be stopped first.</source>
        <translation>실행 중인 프로그램이 있습니다. 먼저 종료합니다.</translation>
    </message>
    <message>
        <source>Stop and delete</source>
        <translation>종료 후 삭제</translation>
    </message>
    <message>
        <source>This program has not written any output yet</source>
        <translation>이 프로그램은 아직 출력이 없습니다</translation>
    </message>
    <message>
        <source>Cannot write to the database (kept in memory, retrying): </source>
        <translation>데이터베이스에 쓸 수 없습니다 (메모리에 보관하고 다시 시도합니다): </translation>
    </message>
    <message numerus="yes">
        <source>%n running</source>
        <translation>
            <numerusform>%n개 실행 중</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n개 실패</numerusform>
        </translation>
    </message>
    <message>
        <source>API: %1</source>
        <translation>API: %1</translation>
    </message>
    <message>
        <source>API: off</source>
        <translation>API: 꺼짐</translation>
    </message>
    <message>
        <source>monitor_app %1

Keeps your programs and game servers running, and shows how they do.</source>
        <translation>monitor_app %1

프로그램과 게임 서버를 계속 실행하고 상태를 보여 줍니다.</translation>
    </message>
</context>
<context>
    <name>NewPasswordFields</name>
    <message>
        <source>The two passwords differ.</source>
        <translation>두 비밀번호가 다릅니다.</translation>
    </message>
    <message>
        <source>The password must be at least %1 characters long</source>
        <translation>비밀번호는 %1자 이상이어야 합니다</translation>
    </message>
    <message>
        <source>The password must not be only digits</source>
        <translation>비밀번호가 숫자로만 이루어지면 안 됩니다</translation>
    </message>
    <message>
        <source>The password must not be the same as the username</source>
        <translation>비밀번호는 사용자 이름과 같으면 안 됩니다</translation>
    </message>
    <message>
        <source>The password is too long: at most %1 bytes in UTF-8</source>
        <translation>비밀번호가 너무 깁니다: UTF-8로 최대 %1바이트</translation>
    </message>
    <message>
        <source>The password %1</source>
        <translation>비밀번호: %1</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>비밀번호 확인</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>Program started</source>
        <translation>프로그램 시작</translation>
    </message>
    <message>
        <source>Program stopped</source>
        <translation>프로그램 중지</translation>
    </message>
    <message>
        <source>Program crashed</source>
        <translation>프로그램 비정상 종료</translation>
    </message>
    <message>
        <source>Program restarted after a crash</source>
        <translation>비정상 종료 후 재시작</translation>
    </message>
    <message>
        <source>Program gave up restarting</source>
        <translation>재시작 포기</translation>
    </message>
    <message>
        <source>Alert fired</source>
        <translation>알림 발생</translation>
    </message>
    <message>
        <source>Alert resolved</source>
        <translation>알림 해제</translation>
    </message>
    <message>
        <source>Test message</source>
        <translation>테스트 메시지</translation>
    </message>
    <message>
        <source>Someone or a schedule started a program.</source>
        <translation>사용자나 예약 작업이 프로그램을 시작했을 때 보냅니다.</translation>
    </message>
    <message>
        <source>A program was stopped on purpose.</source>
        <translation>프로그램을 의도적으로 중지했을 때 보냅니다.</translation>
    </message>
    <message>
        <source>A program exited when nobody asked it to (once per crash episode).</source>
        <translation>요청하지 않았는데 프로그램이 종료되었을 때 보냅니다 (연이은 충돌은 한 번만).</translation>
    </message>
    <message>
        <source>A crashed program is running again thanks to its restart policy.</source>
        <translation>비정상 종료된 프로그램이 재시작 정책에 따라 다시 실행될 때 보냅니다.</translation>
    </message>
    <message>
        <source>A program kept failing to start and monitor_app stopped trying.</source>
        <translation>프로그램이 계속 시작에 실패해서 monitor_app이 재시도를 멈췄을 때 보냅니다.</translation>
    </message>
    <message>
        <source>An alert rule&apos;s condition became true.</source>
        <translation>알림 규칙의 조건이 충족되었을 때 보냅니다.</translation>
    </message>
    <message>
        <source>A fired alert&apos;s condition is over.</source>
        <translation>발생한 알림의 조건이 해소되었을 때 보냅니다.</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>모든 이벤트</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>이벤트 %n개</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PanelLogView</name>
    <message>
        <source>Not a valid regular expression: %1</source>
        <translation>올바른 정규식이 아닙니다: %1</translation>
    </message>
    <message>
        <source>Shows only the lines that contain this text (upper or lower case alike)</source>
        <translation>이 텍스트가 들어 있는 줄만 표시합니다 (대소문자 구분 안 함)</translation>
    </message>
    <message>
        <source>paused, %1 new</source>
        <translation>일시 정지됨, 새 줄 %1개</translation>
    </message>
    <message>
        <source>%1 of %2 lines</source>
        <translation>%2줄 중 %1줄</translation>
    </message>
    <message>
        <source>%1 lines</source>
        <translation>%1줄</translation>
    </message>
    <message>
        <source>Filter…</source>
        <translation>필터…</translation>
    </message>
    <message>
        <source>Regex</source>
        <translation>정규식</translation>
    </message>
    <message>
        <source>Treat the filter as a regular expression</source>
        <translation>필터를 정규식으로 해석합니다</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Stop following (to read or copy); the new lines show when you resume</source>
        <translation>새 줄 따라가기를 멈춥니다 (읽거나 복사할 때). 다시 시작하면 새 줄이 표시됩니다</translation>
    </message>
</context>
<context>
    <name>PanelTableView</name>
    <message>
        <source>Actions</source>
        <translation>동작</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Reset password</source>
        <translation>비밀번호 재설정</translation>
    </message>
    <message>
        <source>New password of %1. Everywhere they are signed in, they are signed out.</source>
        <translation>%1의 새 비밀번호입니다. 이 사용자는 로그인한 모든 곳에서 로그아웃됩니다.</translation>
    </message>
    <message>
        <source>The password %1</source>
        <translation>비밀번호: %1</translation>
    </message>
</context>
<context>
    <name>PluginInstanceSection</name>
    <message>
        <source>%1 switched on</source>
        <translation>%1 켜짐</translation>
    </message>
    <message>
        <source>%1 switched off</source>
        <translation>%1 꺼짐</translation>
    </message>
    <message>
        <source>Detach plugin</source>
        <translation>플러그인 분리</translation>
    </message>
    <message>
        <source>Detach “%1” from this program?</source>
        <translation>이 프로그램에서 “%1” 플러그인을 분리할까요?</translation>
    </message>
    <message>
        <source>Its settings and saved passwords are removed. The program itself is not touched.</source>
        <translation>플러그인 설정과 저장된 비밀번호가 삭제됩니다. 프로그램 자체는 그대로 둡니다.</translation>
    </message>
    <message>
        <source>Detach</source>
        <translation>분리</translation>
    </message>
    <message>
        <source>%1 detached</source>
        <translation>%1 분리됨</translation>
    </message>
    <message>
        <source>Actions:</source>
        <translation>동작:</translation>
    </message>
    <message>
        <source>Over the REST API only admins may run this</source>
        <translation>REST API에서는 관리자만 실행할 수 있습니다</translation>
    </message>
    <message>
        <source>Over the REST API guests may run this too</source>
        <translation>REST API에서는 게스트도 실행할 수 있습니다</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>A switched-off plugin is kept with its settings but not started</source>
        <translation>꺼 둔 플러그인은 설정과 함께 남아 있지만 시작되지 않습니다</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Detach…</source>
        <translation>분리…</translation>
    </message>
</context>
<context>
    <name>PluginPanelView</name>
    <message>
        <source>Pause</source>
        <translation>일시 정지</translation>
    </message>
    <message>
        <source>Keep this view still; the latest state shows when you resume</source>
        <translation>화면을 멈춰 둡니다. 다시 시작하면 최신 상태가 표시됩니다</translation>
    </message>
</context>
<context>
    <name>PluginSeriesView</name>
    <message>
        <source>Cannot read the series: %1</source>
        <translation>시계열을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Series (last 24 hours)</source>
        <translation>시계열 (최근 24시간)</translation>
    </message>
</context>
<context>
    <name>PluginSettingsDialog</name>
    <message>
        <source>Attach a plugin</source>
        <translation>플러그인 연결</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>연결</translation>
    </message>
    <message>
        <source>Settings of %1</source>
        <translation>%1 설정</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <source>Plugin:</source>
        <translation>플러그인:</translation>
    </message>
    <message>
        <source>No usable plugin is installed. Put plugins into the plugins folder of the data folder.</source>
        <translation>사용할 수 있는 플러그인이 설치되어 있지 않습니다. 데이터 폴더의 plugins 폴더에 플러그인을 넣으세요.</translation>
    </message>
    <message>
        <source>This plugin has no settings.</source>
        <translation>이 플러그인에는 설정이 없습니다.</translation>
    </message>
</context>
<context>
    <name>PluginSettingsForm</name>
    <message>
        <source>Set · leave empty to keep the current one</source>
        <translation>설정됨 · 비워 두면 현재 값을 유지합니다</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>설정 안 됨</translation>
    </message>
    <message>
        <source>Remove the current one</source>
        <translation>현재 값 삭제</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(없음)</translation>
    </message>
    <message>
        <source>From %1 to %2</source>
        <translation>%1 ~ %2</translation>
    </message>
    <message>
        <source>At least %1</source>
        <translation>%1 이상</translation>
    </message>
    <message>
        <source>At most %1</source>
        <translation>%1 이하</translation>
    </message>
</context>
<context>
    <name>Plugins</name>
    <message>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>시작 중…</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>비활성화됨</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <source>Not loaded</source>
        <translation>불러오지 못함</translation>
    </message>
    <message>
        <source>Switched off</source>
        <translation>꺼짐</translation>
    </message>
    <message>
        <source>is required</source>
        <translation>필수 항목입니다</translation>
    </message>
    <message>
        <source>unknown setting</source>
        <translation>알 수 없는 설정입니다</translation>
    </message>
    <message>
        <source>must be a number</source>
        <translation>숫자여야 합니다</translation>
    </message>
    <message>
        <source>must be a whole number</source>
        <translation>정수여야 합니다</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>참 또는 거짓이어야 합니다</translation>
    </message>
    <message>
        <source>must be text</source>
        <translation>텍스트여야 합니다</translation>
    </message>
    <message>
        <source>must be at least %1</source>
        <translation>%1 이상이어야 합니다</translation>
    </message>
    <message>
        <source>must be at most %1 characters</source>
        <translation>%1자 이하여야 합니다</translation>
    </message>
    <message>
        <source>must be at most %1</source>
        <translation>%1 이하여야 합니다</translation>
    </message>
    <message>
        <source>must be one of: %1</source>
        <translation>다음 중 하나여야 합니다: %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>예</translation>
    </message>
    <message>
        <source>no</source>
        <translation>아니요</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n개 항목</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PluginsView</name>
    <message>
        <source>Select a program to see its plugins.</source>
        <translation>플러그인을 보려면 프로그램을 선택하세요.</translation>
    </message>
    <message>
        <source>No plugin is attached to this program. A plugin adds what only it knows: players, saves, announcements, a graceful shutdown.</source>
        <translation>이 프로그램에 연결된 플러그인이 없습니다. 플러그인은 그 플러그인만 아는 기능을 더해 줍니다: 플레이어, 저장, 공지, 안전한 종료.</translation>
    </message>
    <message>
        <source>%1 attached</source>
        <translation>%1 연결됨</translation>
    </message>
    <message>
        <source>Attach plugin…</source>
        <translation>플러그인 연결…</translation>
    </message>
</context>
<context>
    <name>ProgramDetail</name>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <source>No program selected</source>
        <translation>선택한 프로그램 없음</translation>
    </message>
    <message>
        <source>Select a program to see its charts, events and output.</source>
        <translation>프로그램을 선택하면 차트, 이벤트, 출력을 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Loading charts…</source>
        <translation>차트를 불러오는 중…</translation>
    </message>
    <message>
        <source>No data for this range yet</source>
        <translation>이 기간의 데이터가 아직 없습니다</translation>
    </message>
    <message>
        <source>Cannot read the history: </source>
        <translation>기록을 읽을 수 없습니다: </translation>
    </message>
    <message>
        <source>PID %1</source>
        <translation>PID %1</translation>
    </message>
    <message>
        <source>up %1</source>
        <translation>가동 %1</translation>
    </message>
    <message>
        <source>CPU %1 %</source>
        <translation>CPU %1 %</translation>
    </message>
    <message>
        <source>memory %1</source>
        <translation>메모리 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n restart(s)</source>
        <translation>
            <numerusform>재시작 %n회</numerusform>
        </translation>
    </message>
    <message>
        <source>Live</source>
        <translation>실시간</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1시간</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24시간</translation>
    </message>
    <message>
        <source>7 d</source>
        <translation>7일</translation>
    </message>
    <message>
        <source>30 d</source>
        <translation>30일</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>차트</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>출력</translation>
    </message>
    <message>
        <source>Plugins</source>
        <translation>플러그인</translation>
    </message>
    <message>
        <source>Follow new output</source>
        <translation>새 출력 따라가기</translation>
    </message>
</context>
<context>
    <name>ProgramDialog</name>
    <message>
        <source>Add program</source>
        <translation>프로그램 추가</translation>
    </message>
    <message>
        <source>Edit program</source>
        <translation>프로그램 수정</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>Keep it running</source>
        <translation>계속 실행</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>고급</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Program file</source>
        <translation>프로그램 파일</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>인수</translation>
    </message>
    <message>
        <source>Working folder</source>
        <translation>작업 폴더</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>환경 변수</translation>
    </message>
    <message>
        <source>When it exits</source>
        <translation>종료되었을 때</translation>
    </message>
    <message>
        <source>Clean exit codes</source>
        <translation>정상 종료 코드</translation>
    </message>
    <message>
        <source>Stop timeout</source>
        <translation>종료 대기 시간</translation>
    </message>
    <message>
        <source>Counts as started after</source>
        <translation>시작 완료로 보는 시간</translation>
    </message>
    <message>
        <source>Start retries</source>
        <translation>시작 재시도 횟수</translation>
    </message>
    <message>
        <source>First restart delay</source>
        <translation>첫 재시작 지연</translation>
    </message>
    <message>
        <source>Longest restart delay</source>
        <translation>최대 재시작 지연</translation>
    </message>
    <message>
        <source>Healthy after</source>
        <translation>정상으로 보는 시간</translation>
    </message>
    <message>
        <source>e.g. Palworld server</source>
        <translation>예: 팰월드 서버</translation>
    </message>
    <message>
        <source>The .exe (or script) to run</source>
        <translation>실행할 .exe (또는 스크립트)</translation>
    </message>
    <message>
        <source>e.g. -port=8211 -publiclobby &quot;-name=My Server&quot;</source>
        <translation>예: -port=8211 -publiclobby &quot;-name=My Server&quot;</translation>
    </message>
    <message>
        <source>The program&apos;s own folder</source>
        <translation>프로그램이 있는 폴더</translation>
    </message>
    <message>
        <source>Exit codes that mean a clean end, separated by commas</source>
        <translation>정상 종료를 뜻하는 종료 코드 (쉼표로 구분)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Add variable</source>
        <translation>변수 추가</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Variable</source>
        <translation>변수</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>값</translation>
    </message>
    <message>
        <source>Start it when monitor_app starts</source>
        <translation>monitor_app이 시작될 때 함께 시작</translation>
    </message>
    <message>
        <source>If it is already running, watch that copy instead of starting another</source>
        <translation>이미 실행 중이면 새로 시작하지 않고 그 프로세스를 감시</translation>
    </message>
    <message>
        <source>Hide its console window (Windows)</source>
        <translation>콘솔 창 숨기기 (Windows)</translation>
    </message>
    <message>
        <source>Always restart it</source>
        <translation>항상 재시작</translation>
    </message>
    <message>
        <source>Restart it unless it exits cleanly</source>
        <translation>정상 종료가 아니면 재시작</translation>
    </message>
    <message>
        <source>Leave it stopped</source>
        <translation>재시작하지 않음</translation>
    </message>
    <message>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <source>use whole numbers separated by commas, e.g. 0, 3</source>
        <translation>쉼표로 구분한 정수를 입력하세요. 예: 0, 3</translation>
    </message>
    <message numerus="yes">
        <source>row %n has a value but no name</source>
        <translation>
            <numerusform>%n번째 줄에 값은 있지만 이름이 없습니다</numerusform>
        </translation>
    </message>
    <message>
        <source>No arguments</source>
        <translation>인수 없음</translation>
    </message>
    <message numerus="yes">
        <source>%n argument(s): </source>
        <translation>
            <numerusform>인수 %n개: </numerusform>
        </translation>
    </message>
    <message>
        <source>Programs (*.exe *.bat *.cmd *.com);;All files (*)</source>
        <translation>프로그램 (*.exe *.bat *.cmd *.com);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <source>Choose the program</source>
        <translation>프로그램 선택</translation>
    </message>
    <message>
        <source>Choose the working folder</source>
        <translation>작업 폴더 선택</translation>
    </message>
</context>
<context>
    <name>ProgramsModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>가동 시간</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>재시작</translation>
    </message>
    <message>
        <source>Last exit</source>
        <translation>마지막 종료</translation>
    </message>
</context>
<context>
    <name>RemoteEngine</name>
    <message>
        <source>the engine no longer accepts this sign-in</source>
        <translation>엔진이 이 로그인을 더 이상 받아들이지 않습니다</translation>
    </message>
    <message>
        <source>the engine closed the connection</source>
        <translation>엔진이 연결을 닫았습니다</translation>
    </message>
</context>
<context>
    <name>RemoteWindow</name>
    <message>
        <source>Connecting to %1…</source>
        <translation>%1에 연결하는 중…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>%1에 연결됨</translation>
    </message>
    <message>
        <source>Connection to %1 lost; reconnecting…</source>
        <translation>%1 연결이 끊겼습니다. 다시 연결하는 중…</translation>
    </message>
    <message>
        <source>%1 refused the sign-in</source>
        <translation>%1에서 로그인을 거부했습니다</translation>
    </message>
</context>
<context>
    <name>ScheduleDialog</name>
    <message>
        <source>Add schedule</source>
        <translation>예약 작업 추가</translation>
    </message>
    <message>
        <source>Edit schedule</source>
        <translation>예약 작업 편집</translation>
    </message>
    <message>
        <source>What</source>
        <translation>무엇을</translation>
    </message>
    <message>
        <source>When</source>
        <translation>언제</translation>
    </message>
    <message>
        <source>Players</source>
        <translation>플레이어</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Plugin action</source>
        <translation>플러그인 동작</translation>
    </message>
    <message>
        <source>At</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>On</source>
        <translation>요일</translation>
    </message>
    <message>
        <source>Every</source>
        <translation>간격</translation>
    </message>
    <message>
        <source>Expression</source>
        <translation>표현식</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>시간대</translation>
    </message>
    <message>
        <source>Warn players</source>
        <translation>플레이어 알림</translation>
    </message>
    <message>
        <source>If players are online</source>
        <translation>접속 중인 플레이어가 있으면</translation>
    </message>
    <message>
        <source>No programs yet: register one in the Programs tab first.</source>
        <translation>아직 프로그램이 없습니다. 먼저 프로그램 탭에서 등록하세요.</translation>
    </message>
    <message>
        <source>e.g. Nightly restart</source>
        <translation>예: 야간 재시작</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>재시작</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>시작</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>At a time of day</source>
        <translation>매일 정해진 시각</translation>
    </message>
    <message>
        <source>At a fixed interval</source>
        <translation>일정 간격마다</translation>
    </message>
    <message>
        <source>Cron expression</source>
        <translation>cron 표현식</translation>
    </message>
    <message>
        <source>Every day</source>
        <translation>매일</translation>
    </message>
    <message>
        <source>Weekdays</source>
        <translation>평일</translation>
    </message>
    <message>
        <source>Weekend</source>
        <translation>주말</translation>
    </message>
    <message>
        <source> h</source>
        <translation>시간</translation>
    </message>
    <message>
        <source> min</source>
        <translation>분</translation>
    </message>
    <message>
        <source>Aligned to</source>
        <translation>기준 시각</translation>
    </message>
    <message>
        <source>Every 6 h aligned to 04:00 runs at 04:00, 10:00, 16:00 and 22:00. Without it, the runs are aligned to midnight.</source>
        <translation>6시간 간격에 기준 시각이 04:00이면 04:00, 10:00, 16:00, 22:00에 실행됩니다. 기준 시각을 정하지 않으면 자정에 맞춰 실행됩니다.</translation>
    </message>
    <message>
        <source>Five fields: minute, hour, day of month, month, day of week. For example &lt;code&gt;0 4 * * 1-5&lt;/code&gt; runs at 04:00 on weekdays and &lt;code&gt;0 */6 * * *&lt;/code&gt; every 6 hours; &lt;code&gt;@daily&lt;/code&gt; and &lt;code&gt;@hourly&lt;/code&gt; work too. &lt;a href=&quot;%1&quot;&gt;Try an expression on crontab.guru&lt;/a&gt;</source>
        <translation>다섯 개 필드: 분, 시, 일, 월, 요일. 예를 들어 &lt;code&gt;0 4 * * 1-5&lt;/code&gt;는 평일 04:00에, &lt;code&gt;0 */6 * * *&lt;/code&gt;는 6시간마다 실행됩니다. &lt;code&gt;@daily&lt;/code&gt;, &lt;code&gt;@hourly&lt;/code&gt;도 쓸 수 있습니다. &lt;a href=&quot;%1&quot;&gt;crontab.guru에서 표현식 시험해 보기&lt;/a&gt;</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <source>The clock the times follow. Type any IANA zone name, e.g. Asia/Seoul or Europe/Berlin.</source>
        <translation>시각의 기준이 되는 시계입니다. Asia/Seoul, Europe/Berlin 같은 IANA 시간대 이름을 직접 입력할 수도 있습니다.</translation>
    </message>
    <message>
        <source>minutes before</source>
        <translation>분 전</translation>
    </message>
    <message>
        <source>e.g. 10, 5, 1 (empty: no warnings)</source>
        <translation>예: 10, 5, 1 (비우면 알림 없음)</translation>
    </message>
    <message>
        <source>Run anyway</source>
        <translation>그대로 실행</translation>
    </message>
    <message>
        <source>Skip this time</source>
        <translation>이번엔 건너뛰기</translation>
    </message>
    <message>
        <source>Wait until they leave, at most</source>
        <translation>모두 나갈 때까지 기다리기, 최대</translation>
    </message>
    <message>
        <source>Enabled (a switched-off schedule never runs)</source>
        <translation>사용 (꺼진 예약 작업은 실행되지 않습니다)</translation>
    </message>
    <message>
        <source>choose a program (register one in the Programs tab first)</source>
        <translation>프로그램을 선택하세요 (먼저 프로그램 탭에서 등록하세요)</translation>
    </message>
    <message>
        <source>tick at least one day</source>
        <translation>요일을 하나 이상 선택하세요</translation>
    </message>
    <message>
        <source>write whole minutes separated by commas, e.g. 10, 5, 1</source>
        <translation>분 단위 정수를 쉼표로 구분해 입력하세요. 예: 10, 5, 1</translation>
    </message>
    <message>
        <source>Tick at least one day.</source>
        <translation>요일을 하나 이상 선택하세요.</translation>
    </message>
    <message>
        <source>Next: %1</source>
        <translation>다음 실행: %1</translation>
    </message>
    <message>
        <source>(this computer&apos;s time)</source>
        <translation>(이 컴퓨터 시각)</translation>
    </message>
</context>
<context>
    <name>Schedules</name>
    <message>
        <source>Mon</source>
        <translation>월</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>화</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>수</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>목</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>금</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>토</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>일</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1일</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1시간</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1분</translation>
    </message>
    <message>
        <source>now</source>
        <translation>지금</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>%1 후</translation>
    </message>
    <message>
        <source>Plugin: %1</source>
        <translation>플러그인: %1</translation>
    </message>
    <message>
        <source>Every day at %1</source>
        <translation>매일 %1</translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Every %1 (aligned to %2)</source>
        <translation>%1마다 (%2 기준)</translation>
    </message>
    <message>
        <source>Every %1</source>
        <translation>%1마다</translation>
    </message>
    <message>
        <source>cron: %1</source>
        <translation>cron: %1</translation>
    </message>
    <message>
        <source>None</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>%1 min before</source>
        <translation>%1분 전</translation>
    </message>
    <message>
        <source>Run anyway</source>
        <translation>그대로 실행</translation>
    </message>
    <message>
        <source>Skip this time</source>
        <translation>이번엔 건너뛰기</translation>
    </message>
    <message>
        <source>Wait up to %1 min</source>
        <translation>최대 %1분 대기</translation>
    </message>
    <message>
        <source>The action runs at its time whether or not players are online.</source>
        <translation>플레이어 접속 여부와 관계없이 정해진 시각에 실행합니다.</translation>
    </message>
    <message>
        <source>If players are online at the time, this run is skipped; the next one is kept.</source>
        <translation>그 시각에 접속 중인 플레이어가 있으면 이번 실행은 건너뛰고, 다음 실행은 그대로 둡니다.</translation>
    </message>
    <message>
        <source>If players are online, the action waits until they have left (checked every minute), and runs anyway once the longest wait is over.</source>
        <translation>접속 중인 플레이어가 있으면 모두 나갈 때까지 기다렸다가(1분마다 확인) 실행하고, 최대 대기 시간이 지나면 그대로 실행합니다.</translation>
    </message>
    <message>
        <source>Players are counted by the game-server plugin (e.g. Palworld). Without one, nobody counts as online and the action runs at its time.</source>
        <translation>접속 인원은 게임 서버 플러그인(예: Palworld)이 확인합니다. 플러그인이 없으면 접속자가 없는 것으로 보고 정해진 시각에 실행합니다.</translation>
    </message>
    <message>
        <source>Minutes before the action at which players are warned. The game-server plugin (e.g. a Palworld broadcast) tells them; without a plugin the warnings are only written to the event log.</source>
        <translation>동작 몇 분 전에 플레이어에게 알릴지 정합니다. 게임 서버 플러그인(예: Palworld 공지)이 알려 주며, 플러그인이 없으면 알림은 이벤트 로그에만 기록됩니다.</translation>
    </message>
</context>
<context>
    <name>SchedulesModel</name>
    <message>
        <source>Program</source>
        <translation>프로그램</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>When</source>
        <translation>실행 시각</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>사전 알림</translation>
    </message>
    <message>
        <source>Players online</source>
        <translation>접속자가 있으면</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>다음 실행</translation>
    </message>
    <message>
        <source>(unnamed #%1)</source>
        <translation>(이름 없음 #%1)</translation>
    </message>
    <message>
        <source>Cannot plan: %1</source>
        <translation>계획할 수 없음: %1</translation>
    </message>
    <message>
        <source>Switched off: it does not run.</source>
        <translation>꺼져 있어 실행되지 않습니다.</translation>
    </message>
    <message>
        <source>Times follow the clock of %1.</source>
        <translation>%1 시간대의 시각을 따릅니다.</translation>
    </message>
    <message>
        <source>Times follow this computer&apos;s clock.</source>
        <translation>이 컴퓨터의 시각을 따릅니다.</translation>
    </message>
</context>
<context>
    <name>SchedulesView</name>
    <message>
        <source>Delete schedule</source>
        <translation>예약 작업 삭제</translation>
    </message>
    <message>
        <source>Delete the schedule “%1” of %2?</source>
        <translation>%2의 예약 작업 “%1”을(를) 삭제할까요?</translation>
    </message>
    <message>
        <source>It will not run again. What it did stays in the event log and the job list.</source>
        <translation>더 이상 실행되지 않습니다. 지금까지 실행한 기록은 이벤트 로그와 작업 목록에 남습니다.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>켜기</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>끄기</translation>
    </message>
    <message>
        <source>Register a program in the Programs tab first; then schedule its restarts here.</source>
        <translation>먼저 프로그램 탭에서 프로그램을 등록한 뒤, 여기서 재시작 일정을 정하세요.</translation>
    </message>
    <message>
        <source>No schedules yet. Add one to restart a server every night, for example; players get warnings before it happens.</source>
        <translation>아직 예약 작업이 없습니다. 예를 들어 매일 밤 서버를 재시작하도록 추가해 보세요. 실행 전에 플레이어에게 미리 알립니다.</translation>
    </message>
    <message>
        <source>This program has no schedules.</source>
        <translation>이 프로그램에는 예약 작업이 없습니다.</translation>
    </message>
    <message>
        <source>Schedules</source>
        <translation>예약 작업</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <source>Restart, start or stop a program at set times</source>
        <translation>정해진 시각에 프로그램을 재시작, 시작 또는 종료합니다</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>수정…</translation>
    </message>
    <message>
        <source>Switch the selected schedule on or off</source>
        <translation>선택한 예약 작업을 켜거나 끕니다</translation>
    </message>
    <message>
        <source>Program:</source>
        <translation>프로그램:</translation>
    </message>
    <message>
        <source>All programs</source>
        <translation>모든 프로그램</translation>
    </message>
</context>
<context>
    <name>SeriesChart</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>no value yet</source>
        <translation>아직 값 없음</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>현재: %1</translation>
    </message>
    <message>
        <source>Measured at %1</source>
        <translation>측정 시각: %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Checking the background engine…</source>
        <translation>백그라운드 엔진 확인 중…</translation>
    </message>
    <message>
        <source>Windows Credential Manager</source>
        <translation>Windows 자격 증명 관리자</translation>
    </message>
    <message>
        <source>The system keyring</source>
        <translation>시스템 키링</translation>
    </message>
    <message>
        <source>An encrypted file in the data folder (its key protected by Windows for your account)</source>
        <translation>데이터 폴더의 암호화된 파일 (키는 Windows가 내 계정으로 보호)</translation>
    </message>
    <message>
        <source>An encrypted file in the data folder (its key readable only by you)</source>
        <translation>데이터 폴더의 암호화된 파일 (키는 나만 읽을 수 있음)</translation>
    </message>
    <message>
        <source>None saved yet: the first goes to the system keyring, or to an encrypted file where there is none</source>
        <translation>아직 저장된 것이 없습니다. 처음 저장할 때 시스템 키링에, 키링이 없으면 암호화된 파일에 보관합니다</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>General</source>
        <translation>일반</translation>
    </message>
    <message>
        <source>History</source>
        <translation>기록</translation>
    </message>
    <message>
        <source>Measure every</source>
        <translation>측정 간격</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>데이터 폴더</translation>
    </message>
    <message>
        <source>Keep every sample for</source>
        <translation>모든 측정값 보관 기간</translation>
    </message>
    <message>
        <source>Keep 1-minute averages for</source>
        <translation>1분 평균 보관 기간</translation>
    </message>
    <message>
        <source>Keep hourly averages for</source>
        <translation>1시간 평균 보관 기간</translation>
    </message>
    <message>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <source> h</source>
        <translation>시간</translation>
    </message>
    <message>
        <source> days</source>
        <translation>일</translation>
    </message>
    <message>
        <source>Set on the command line or by MONITOR_INTERVAL</source>
        <translation>명령줄 또는 MONITOR_INTERVAL로 지정됨</translation>
    </message>
    <message>
        <source>Start monitor_app when I sign in</source>
        <translation>로그인할 때 monitor_app 시작</translation>
    </message>
    <message>
        <source>Keep running at boot without login</source>
        <translation>로그인하지 않아도 부팅 시 실행</translation>
    </message>
    <message>
        <source>Starts the monitor without a window when the PC starts, before anyone signs in, so your servers come back after a reboot. It uses the same data folder as this window.</source>
        <translation>PC가 시작되면 누군가 로그인하기 전에 창 없이 모니터를 시작하므로, 재부팅 후에도 서버가 다시 실행됩니다. 이 창과 같은 데이터 폴더를 사용합니다.</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>다시 확인</translation>
    </message>
    <message>
        <source>Register again with my password…</source>
        <translation>비밀번호로 다시 등록…</translation>
    </message>
    <message>
        <source>Registers the background engine again with your Windows password, so it can read your saved webhook URLs and plugin passwords.</source>
        <translation>Windows 비밀번호로 백그라운드 엔진을 다시 등록하여, 저장된 웹훅 URL과 플러그인 비밀번호를 읽을 수 있게 합니다.</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>열기</translation>
    </message>
    <message>
        <source>Secrets kept in</source>
        <translation>비밀 정보 보관 위치</translation>
    </message>
    <message>
        <source>Webhook URLs, signing secrets and plugin passwords. They are never written to the database, to exports or to API answers.</source>
        <translation>웹훅 URL, 서명 비밀 키, 플러그인 비밀번호입니다. 데이터베이스, 내보낸 파일, API 응답에는 절대 기록되지 않습니다.</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <source>Remote access (REST API)</source>
        <translation>원격 접속 (REST API)</translation>
    </message>
    <message>
        <source>Who can connect</source>
        <translation>접속 허용 범위</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>포트</translation>
    </message>
    <message>
        <source>HTTPS certificate (PEM)</source>
        <translation>HTTPS 인증서 (PEM)</translation>
    </message>
    <message>
        <source>HTTPS private key (PEM)</source>
        <translation>HTTPS 개인 키 (PEM)</translation>
    </message>
    <message>
        <source>This PC only (127.0.0.1)</source>
        <translation>이 PC만 (127.0.0.1)</translation>
    </message>
    <message>
        <source>Every network of this PC (0.0.0.0)</source>
        <translation>이 PC의 모든 네트워크 (0.0.0.0)</translation>
    </message>
    <message>
        <source>empty: plain HTTP</source>
        <translation>비워 두면 일반 HTTP</translation>
    </message>
    <message>
        <source>Phones and scripts sign in as a monitor_app user. Open it to the network only on a network you trust; the game&apos;s own ports are not affected.</source>
        <translation>휴대폰과 스크립트는 monitor_app 사용자로 로그인합니다. 신뢰할 수 있는 네트워크에서만 여세요. 게임 서버의 포트에는 영향이 없습니다.</translation>
    </message>
    <message>
        <source>Sign-in and lock</source>
        <translation>로그인 및 잠금</translation>
    </message>
    <message>
        <source>Require sign-in to open the window</source>
        <translation>창을 열 때 로그인 필요</translation>
    </message>
    <message>
        <source>Lock after idle for</source>
        <translation>유휴 시 잠금</translation>
    </message>
    <message>
        <source> min</source>
        <translation>분</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>안 함</translation>
    </message>
    <message>
        <source>Lock when minimised to the tray</source>
        <translation>트레이로 최소화하면 잠금</translation>
    </message>
    <message>
        <source>Programs keep running while the window is locked.</source>
        <translation>창이 잠겨 있는 동안에도 프로그램은 계속 실행됩니다.</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Enter your username and password.</source>
        <translation>사용자 이름과 비밀번호를 입력하세요.</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>사용자 이름 또는 비밀번호가 잘못되었습니다.</translation>
    </message>
    <message>
        <source>monitor_app is locked</source>
        <translation>monitor_app 잠김</translation>
    </message>
    <message>
        <source>monitor_app is locked. Your programs keep running. Sign in to open the window again.</source>
        <translation>monitor_app이 잠겨 있습니다. 프로그램은 계속 실행됩니다. 창을 다시 열려면 로그인하세요.</translation>
    </message>
    <message>
        <source>Sign in to monitor_app</source>
        <translation>monitor_app 로그인</translation>
    </message>
    <message>
        <source>Sign in with your monitor_app account (the one you use for the REST API).</source>
        <translation>monitor_app 계정(REST API에 쓰는 계정)으로 로그인하세요.</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>시작 중</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>Restarting</source>
        <translation>재시작 대기</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>종료 중</translation>
    </message>
    <message>
        <source>Exited</source>
        <translation>종료됨</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
</context>
<context>
    <name>SystemPanel</name>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>메모리</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>수신</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>송신</translation>
    </message>
    <message>
        <source>swap %1 / %2</source>
        <translation>스왑 %1 / %2</translation>
    </message>
    <message>
        <source>no swap</source>
        <translation>스왑 없음</translation>
    </message>
    <message>
        <source>Up %1 (since %2)</source>
        <translation>가동 %1 (%2부터)</translation>
    </message>
    <message numerus="yes">
        <source>%n core(s)</source>
        <translation>
            <numerusform>코어 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>core %1: %p%</source>
        <translation>코어 %1: %p%</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>네트워크</translation>
    </message>
    <message>
        <source>CPU cores</source>
        <translation>CPU 코어</translation>
    </message>
    <message>
        <source>Disks</source>
        <translation>디스크</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>디스크</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>Used %</source>
        <translation>사용률</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Show monitor_app</source>
        <translation>monitor_app 열기</translation>
    </message>
    <message>
        <source>No programs yet</source>
        <translation>등록된 프로그램 없음</translation>
    </message>
    <message>
        <source>Quit monitor_app</source>
        <translation>monitor_app 끝내기</translation>
    </message>
    <message numerus="yes">
        <source>%n running</source>
        <translation>
            <numerusform>%n개 실행 중</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n개 실패</numerusform>
        </translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>알림: %1</translation>
    </message>
    <message>
        <source>%1 gave up</source>
        <translation>%1 재시작 포기</translation>
    </message>
    <message>
        <source>%1 crashed</source>
        <translation>%1 비정상 종료</translation>
    </message>
</context>
<context>
    <name>UserDialog</name>
    <message>
        <source>Enter a username.</source>
        <translation>사용자 이름을 입력하세요.</translation>
    </message>
    <message>
        <source>The password %1</source>
        <translation>비밀번호: %1</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>사용자 추가</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>letters, digits, . _ -</source>
        <translation>영문자, 숫자, . _ -</translation>
    </message>
    <message>
        <source>Guest: sees everything, changes nothing</source>
        <translation>게스트: 모두 볼 수 있지만 아무것도 변경할 수 없음</translation>
    </message>
    <message>
        <source>Admin: may change everything</source>
        <translation>관리자: 모두 변경할 수 있음</translation>
    </message>
</context>
<context>
    <name>UsersView</name>
    <message>
        <source>Cannot read the users: %1</source>
        <translation>사용자 목록을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>%1 added</source>
        <translation>%1 추가됨</translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation>%1은(는) 이제 %2입니다</translation>
    </message>
    <message>
        <source>New password of %1 saved</source>
        <translation>%1의 새 비밀번호 저장됨</translation>
    </message>
    <message>
        <source>Remove user</source>
        <translation>사용자 제거</translation>
    </message>
    <message>
        <source>Remove %1?</source>
        <translation>%1을(를) 제거할까요?</translation>
    </message>
    <message>
        <source>Their API keys stop working and they are signed out everywhere.</source>
        <translation>이 사용자의 API 키는 더 이상 작동하지 않으며, 모든 곳에서 로그아웃됩니다.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>%1 removed</source>
        <translation>%1 제거됨</translation>
    </message>
    <message>
        <source>API key %1 created</source>
        <translation>API 키 %1 생성됨</translation>
    </message>
    <message>
        <source>Revoke API key</source>
        <translation>API 키 폐기</translation>
    </message>
    <message>
        <source>Revoke the API key %1?</source>
        <translation>API 키 %1을(를) 폐기할까요?</translation>
    </message>
    <message>
        <source>Scripts using it are refused from now on.</source>
        <translation>이제부터 이 키를 쓰는 스크립트는 거부됩니다.</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>폐기</translation>
    </message>
    <message>
        <source>API key %1 revoked</source>
        <translation>API 키 %1 폐기됨</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>관리자</translation>
    </message>
    <message>
        <source>guest</source>
        <translation>게스트</translation>
    </message>
    <message>
        <source>Signed in as %1 (admin). Users sign in to this window and to the REST API; API keys let scripts act as their user.</source>
        <translation>%1(관리자)로 로그인했습니다. 사용자는 이 창과 REST API에 로그인하며, API 키를 쓰면 스크립트가 키 소유자로 동작합니다.</translation>
    </message>
    <message>
        <source>Make guest</source>
        <translation>게스트로 변경</translation>
    </message>
    <message>
        <source>Make admin</source>
        <translation>관리자로 변경</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>사용자</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API 키</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>생성 시각</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>마지막 로그인</translation>
    </message>
    <message>
        <source>Acts as</source>
        <translation>소유자</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>마지막 사용</translation>
    </message>
    <message>
        <source>Add user…</source>
        <translation>사용자 추가…</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>비밀번호 재설정…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>제거…</translation>
    </message>
    <message>
        <source>Create key…</source>
        <translation>키 만들기…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>폐기…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
</context>
<context>
    <name>WebhookDialog</name>
    <message>
        <source>Add webhook</source>
        <translation>웹훅 추가</translation>
    </message>
    <message>
        <source>Edit webhook</source>
        <translation>웹훅 수정</translation>
    </message>
    <message>
        <source>Where to send</source>
        <translation>보낼 곳</translation>
    </message>
    <message>
        <source>What to send</source>
        <translation>보낼 내용</translation>
    </message>
    <message>
        <source>Behaviour</source>
        <translation>동작</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>형식</translation>
    </message>
    <message>
        <source>Webhook URL</source>
        <translation>웹훅 URL</translation>
    </message>
    <message>
        <source>Signing secret</source>
        <translation>서명 비밀 키</translation>
    </message>
    <message>
        <source>Cooldown</source>
        <translation>쿨다운</translation>
    </message>
    <message>
        <source>Generic JSON</source>
        <translation>일반 JSON</translation>
    </message>
    <message>
        <source>Discord</source>
        <translation>Discord</translation>
    </message>
    <message>
        <source>Slack</source>
        <translation>Slack</translation>
    </message>
    <message>
        <source>e.g. Discord #server-status</source>
        <translation>예: Discord #서버-상태</translation>
    </message>
    <message>
        <source>All events (including ones added later)</source>
        <translation>모든 이벤트 (나중에 추가되는 이벤트 포함)</translation>
    </message>
    <message>
        <source>Plugin events (separated by commas):</source>
        <translation>플러그인 이벤트 (쉼표로 구분):</translation>
    </message>
    <message>
        <source>e.g. plugin.palworld.*, plugin.palworld.player_joined</source>
        <translation>예: plugin.palworld.*, plugin.palworld.player_joined</translation>
    </message>
    <message>
        <source>Remove the current secret</source>
        <translation>현재 비밀 키 삭제</translation>
    </message>
    <message>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <source>Off (send every message)</source>
        <translation>끔 (모든 메시지 전송)</translation>
    </message>
    <message>
        <source>Holds back repeats of the same program&apos;s crash messages (crashed, restarted, gave up) sent within this many seconds, so a crash loop cannot flood a channel. What was held back is counted in the next message that goes out. Starts, stops and alerts are always sent.</source>
        <translation>같은 프로그램의 충돌 메시지(비정상 종료, 재시작, 재시작 포기)가 이 시간(초) 안에 반복되면 보내지 않고 보류하여, 충돌이 반복되어도 채널이 메시지로 넘치지 않게 합니다. 보류된 메시지 수는 다음에 보내는 메시지에 함께 표시됩니다. 시작·중지·알림 메시지는 항상 보냅니다.</translation>
    </message>
    <message>
        <source>Enabled (a switched-off webhook receives nothing; tests still work)</source>
        <translation>사용 (꺼 둔 웹훅은 아무것도 받지 않습니다. 테스트 전송은 됩니다)</translation>
    </message>
    <message>
        <source>tick at least one event, or choose all events</source>
        <translation>이벤트를 하나 이상 선택하거나 모든 이벤트를 선택하세요</translation>
    </message>
    <message>
        <source>Any http(s) address that accepts a JSON POST: your own script, Home Assistant, n8n…</source>
        <translation>JSON POST를 받는 모든 http(s) 주소: 직접 만든 스크립트, Home Assistant, n8n…</translation>
    </message>
    <message>
        <source>Discord: Server settings → Integrations → Webhooks → New Webhook → Copy Webhook URL</source>
        <translation>Discord: 서버 설정 → 연동 → 웹후크 → 새 웹후크 → 웹후크 URL 복사</translation>
    </message>
    <message>
        <source>Slack: create an app with Incoming Webhooks, add it to a channel, then copy its Webhook URL</source>
        <translation>Slack: Incoming Webhooks를 켠 앱을 만들어 채널에 추가한 뒤 Webhook URL을 복사하세요</translation>
    </message>
    <message>
        <source>Optional. Each request is signed with it (X-Monitor-Signature) so the receiver can check it.</source>
        <translation>선택 사항. 모든 요청에 이 키로 서명(X-Monitor-Signature)하므로 받는 쪽에서 진짜인지 확인할 수 있습니다.</translation>
    </message>
    <message>
        <source>Only the generic JSON format signs its requests; this one ignores it.</source>
        <translation>요청 서명은 일반 JSON 형식에서만 쓰입니다. 이 형식에서는 무시됩니다.</translation>
    </message>
    <message>
        <source>Leave empty to keep the current secret</source>
        <translation>비워 두면 현재 비밀 키를 유지합니다</translation>
    </message>
    <message>
        <source>None</source>
        <translation>없음</translation>
    </message>
</context>
<context>
    <name>WebhooksModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>주소</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>형식</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>이벤트</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Last delivery</source>
        <translation>마지막 전송</translation>
    </message>
    <message>
        <source>The rest of the address is hidden: it contains the webhook&apos;s access token.</source>
        <translation>주소의 나머지 부분에는 웹훅 접근 토큰이 들어 있어 숨겼습니다.</translation>
    </message>
    <message>
        <source>(unnamed #%1)</source>
        <translation>(이름 없음 #%1)</translation>
    </message>
    <message>
        <source>never</source>
        <translation>없음</translation>
    </message>
</context>
<context>
    <name>WebhooksView</name>
    <message>
        <source>Delete webhook</source>
        <translation>웹훅 삭제</translation>
    </message>
    <message>
        <source>Delete the webhook “%1”?</source>
        <translation>웹훅 “%1”을(를) 삭제할까요?</translation>
    </message>
    <message>
        <source>Deliveries still waiting for it are cancelled and its delivery log is removed.</source>
        <translation>아직 보내지 않은 메시지는 취소되고 전달 기록도 삭제됩니다.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Sending a test message…</source>
        <translation>테스트 메시지를 보내는 중…</translation>
    </message>
    <message>
        <source>Cannot read the delivery log: %1</source>
        <translation>전달 기록을 읽을 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Test delivered (HTTP %1, %2 ms)</source>
        <translation>테스트 전달 성공 (HTTP %1, %2ms)</translation>
    </message>
    <message>
        <source>Test cancelled</source>
        <translation>테스트 취소됨</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>알 수 없는 오류</translation>
    </message>
    <message>
        <source>Test failed: %1</source>
        <translation>테스트 실패: %1</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>켜기</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>끄기</translation>
    </message>
    <message>
        <source>Delivery log: select a webhook to see what was sent to it.</source>
        <translation>전달 기록: 웹훅을 선택하면 보낸 내역이 표시됩니다.</translation>
    </message>
    <message>
        <source>Delivery log of “%1” (newest first)</source>
        <translation>“%1” 전달 기록 (최신순)</translation>
    </message>
    <message>
        <source>Webhooks</source>
        <translation>웹훅</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>추가…</translation>
    </message>
    <message>
        <source>Send notifications to Discord, Slack or any web address</source>
        <translation>Discord, Slack 또는 원하는 웹 주소로 알림을 보냅니다</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>수정…</translation>
    </message>
    <message>
        <source>Send test</source>
        <translation>테스트 전송</translation>
    </message>
    <message>
        <source>Send a test message now (also to a switched-off webhook)</source>
        <translation>지금 테스트 메시지를 보냅니다 (꺼 둔 웹훅에도 보냅니다)</translation>
    </message>
    <message>
        <source>Switch the selected webhook on or off</source>
        <translation>선택한 웹훅을 켜거나 끕니다</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
</context>
</TS>
