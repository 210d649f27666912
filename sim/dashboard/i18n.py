"""English and Chinese texts of the dashboard and the classroom game (``tr(key, lang)``).

Firm and case names have their own Chinese forms (``NAMES``); anything without a translation
is shown as it is.
"""

from __future__ import annotations

LANGS = ("en", "zh")

TEXT = {
    "title": ("Loyalty, churn and win-back", "客户忠诚、流失与赢回"),
    "case": ("Case", "案例"),
    "language": ("中文", "English"),
    "reset": ("Reset", "重置"),
    "step": ("Step", "单步"),
    "play": ("Play", "运行"),
    "pause": ("Pause", "暂停"),
    "speed": ("Periods per tick", "每次推进周期数"),
    "seed": ("Seed (whole number)", "随机种子（整数）"),
    "agents": ("Simulated agents", "模拟个体数"),
    "live": ("Live levers (act from the next period)", "实时杠杆（下一周期起生效）"),
    "setup": ("Set-up levers (apply on Reset)", "初始设定（重置后生效）"),
    "compare": ("Setting B changes", "方案 B 改变"),
    "compare_value": ("... to this value", "……改为此值"),
    "none": ("none", "无"),
    "tab_market": ("Market", "市场"),
    "tab_trap": ("Service & margin", "服务与利润"),
    "tab_loyalty": ("Loyalty", "忠诚"),
    "tab_compare": ("A vs B", "方案对比"),
    "tab_customer": ("One customer", "单个顾客"),
    "tab_info": ("Info", "说明"),
    "tab_export": ("Export", "导出"),
    "share": ("Market share", "市场份额"),
    "share_y": ("% of stays", "% 入住"),
    "churn": ("Churn (8-period mean)", "流失率（8期均值）"),
    "churn_y": ("% of customers per period", "% 顾客/期"),
    "cumprofit": ("Cumulative profit", "累计利润"),
    "trust": ("Trust (solid) and satisfaction (dashed)", "信任（实线）与满意（虚线）"),
    "mean01": ("mean, 0 to 1", "均值 0–1"),
    "trap_title": ("{firm}: service, margin, budget", "{firm}：服务、利润、预算"),
    "service": ("service level", "服务水平"),
    "margin": ("margin / price", "单位利润/价格"),
    "budget": ("service budget", "服务预算"),
    "period": ("period", "周期"),
    "week": ("week", "周"),
    "month": ("month", "月"),
    "hint": ("press Step or Play", "请按 单步 或 运行"),
    "of": ("{period} {t} of {horizon}", "第 {t} {period}（共 {horizon}）"),
    "story": ("Story so far", "故事进展"),
    "no_story": ("The markers appear as the story unfolds.", "故事节点会随运行出现。"),
    "m_cut": ("{firm} cuts its {what} budget: margin under its floor",
              "{firm} 削减{what}预算：利润低于底线"),
    "m_rebound": ("{firm}'s share peaks at {v:.0%}: the rebound",
                  "{firm} 份额达到峰值 {v:.0%}：反弹"),
    "m_overtake": ("{firm} overtakes {other} in market share",
                   "{firm} 市场份额超过 {other}"),
    "m_trap": ("The trap closes: {firm}'s cumulative profit peaks and falls",
               "陷阱合拢：{firm} 累计利润见顶回落"),
    "service_word": ("service", "服务"),
    "relationship_word": ("relationship", "关系"),
    "promotion_word": ("promotion", "促销"),
    "price": ("{firm}: list price", "{firm}：标价"),
    "budget_lever": ("{firm}: service budget / period", "{firm}：服务预算/期"),
    "winback": ("{firm}: win-back offer", "{firm}：赢回方式"),
    "wb_price": ("price offer", "价格优惠"),
    "wb_contact": ("personal contact", "个人联系"),
    "wb_both": ("both", "两者"),
    "wb_none": ("none", "不赢回"),
    "changes": ("Live changes", "实时改变"),
    "export_intro": ("Download this run: the charts as PNG, the trajectories as CSV, and the "
                     "command line and scenario YAML that reproduce it exactly.",
                     "下载本次运行：图表（PNG）、轨迹（CSV）以及可完全复现它的命令行和场景 YAML。"),
    "dl_zip": ("Charts (PNG), CSV, command and YAML (zip)", "图表、CSV、命令与 YAML（zip）"),
    "dl_csv": ("Trajectories (CSV)", "轨迹（CSV）"),
    "dl_yaml": ("Scenario (YAML)", "场景（YAML）"),
    "reproduce": ("Reproduce this run", "复现本次运行"),
    "story_h": ("The story", "案例故事"),
    "try_h": ("What to try", "可以尝试"),
    "assume_h": ("What the model assumes", "模型假设"),
    "firm": ("firm", "企业"),
    "active": ("customers", "顾客"),
    "profit_h": ("cum. profit", "累计利润"),
    "b_none": ("Choose a lever under *Setting B changes*, give it a value, and press Reset.",
               "在“方案 B 改变”中选择一个杠杆并设值，然后按 重置。"),
    "b_desc": ("Setting B: {what}; same seed ({seed}). A solid, B dashed.",
               "方案 B：{what}；随机种子相同（{seed}）。A 实线，B 虚线。"),
    "follow_none": ("Nobody followed has been lost or won back yet: step the market on.",
                    "被跟踪的顾客还没有流失或被赢回：请继续运行。"),
    "lost_reason": ("Lost customers by reason (so far)", "按原因统计的流失顾客（累计）"),
    "customers_lost": ("customers lost", "流失顾客"),
    "loyalty_title": ("Loyalty (Dick & Basu): {firm}", "忠诚类型（Dick & Basu）：{firm}"),
}

NAMES = {"Nanyuan Hotel": "南苑酒店", "Eaton Hotel": "伊顿酒店", "Nanyuan": "南苑",
         "Eaton": "伊顿", "Nanyuan vs Eaton": "南苑 vs 伊顿", "yuan": "元"}


def tr(key: str, lang: str = "en", **kw: object) -> str:
    """The text ``key`` in ``lang`` ("en" or "zh"), formatted with ``kw``."""
    en, zh = TEXT.get(key, (key, key))
    text = zh if lang == "zh" else en
    return text.format(**kw) if kw else text


def name(text: str, lang: str = "en") -> str:
    """A firm or case name in ``lang`` (unchanged without a Chinese form)."""
    return NAMES.get(text, text) if lang == "zh" else text


def period_word(period: str, lang: str = "en") -> str:
    """"week" / "周" etc."""
    return tr(period, lang) if period in ("week", "month") else period
