"""Messages drawn into the pictures: the weekly chart and `/progress`.

Counted words have a `_one` and an `_other` form (`coach.pictures.text.plural` picks one), so
English never says "1 blocks"; Chinese uses the same text for both.
"""

from __future__ import annotations

from typing import Final

ZH: Final[dict[str, str]] = {
    "pictures.weekdays": "周一 周二 周三 周四 周五 周六 周日",
    "pictures.weekdays_short": "一 二 三 四 五 六 日",
    "pictures.month_day": "{month}月{day}日",
    "pictures.months": "1 2 3 4 5 6 7 8 9 10 11 12",
    "pictures.weekly_title": "第 {week} 周 · {first} – {last}",
    "pictures.weekly_totals": "专注 {minutes} 分钟 · {blocks} · 活跃 {active}/7 天",
    "pictures.blocks_one": "{count} 个专注块",
    "pictures.blocks_other": "{count} 个专注块",
    "pictures.bar_blocks_one": "{count} 块",
    "pictures.bar_blocks_other": "{count} 块",
    "pictures.minutes": "{minutes} 分钟",
    "pictures.minutes_axis": "专注分钟",
    "pictures.standard": "每日最低标准 {minutes} 分钟",
    "pictures.today": "今天",
    "pictures.paused": "暂停",
    "pictures.empty_week": "这一周还没有完成的专注块",
    "pictures.progress_title": "学习计划进度 · 第 {week}/{weeks} 周",
    "pictures.progress_before": "学习计划 · {date} 开始",
    "pictures.progress_totals": "至今专注 {minutes} 分钟 · {blocks} · 活跃 {days}",
    "pictures.heatmap_title": "每天的专注分钟",
    "pictures.week_short": "第{week}周",
    "pictures.less": "少",
    "pictures.more": "多",
    "pictures.checklist_title": "每周清单完成度",
    "pictures.checklist_value": "{done}/{total}",
    "pictures.streak_current": "当前连续",
    "pictures.streak_longest": "最长连续",
    "pictures.days_one": "{count} 天",
    "pictures.days_other": "{count} 天",
    "pictures.quiz_title": "测验正确率（按主题）",
    "pictures.quiz_value": "{percent}%（{correct}/{answered}）",
    "pictures.quiz_none": "还没有答过测验题，发 /quiz 试一题",
}

EN: Final[dict[str, str]] = {
    "pictures.weekdays": "Mon Tue Wed Thu Fri Sat Sun",
    "pictures.weekdays_short": "Mon Tue Wed Thu Fri Sat Sun",
    "pictures.month_day": "{month} {day}",
    "pictures.months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "pictures.weekly_title": "Week {week} · {first} – {last}",
    "pictures.weekly_totals": "{minutes} min of focus · {blocks} · active {active} of 7 days",
    "pictures.blocks_one": "{count} focus block",
    "pictures.blocks_other": "{count} focus blocks",
    "pictures.bar_blocks_one": "{count} block",
    "pictures.bar_blocks_other": "{count} blocks",
    "pictures.minutes": "{minutes} min",
    "pictures.minutes_axis": "Minutes of focus",
    "pictures.standard": "Minimum Viable Day: {minutes} min",
    "pictures.today": "Today",
    "pictures.paused": "Paused",
    "pictures.empty_week": "No focus blocks finished this week yet",
    "pictures.progress_title": "Plan progress · week {week} of {weeks}",
    "pictures.progress_before": "Study plan · starts {date}",
    "pictures.progress_totals": "{minutes} min of focus so far · {blocks} · active on {days}",
    "pictures.heatmap_title": "Minutes of focus per day",
    "pictures.week_short": "W{week}",
    "pictures.less": "Less",
    "pictures.more": "More",
    "pictures.checklist_title": "Checklist per week",
    "pictures.checklist_value": "{done}/{total}",
    "pictures.streak_current": "Current streak",
    "pictures.streak_longest": "Longest streak",
    "pictures.days_one": "{count} day",
    "pictures.days_other": "{count} days",
    "pictures.quiz_title": "Quiz accuracy by topic",
    "pictures.quiz_value": "{percent}% ({correct}/{answered})",
    "pictures.quiz_none": "No quiz answers yet: send /quiz to try one",
}
