"""The Info tab of each case: the story, what to try, what the model assumes (English, Chinese).

Keyed by the scenario file's name; a case without an entry shows its scenario description.
"""

from __future__ import annotations

from pathlib import Path

INFO = {
    "nanyuan_vs_eaton": {
        "en": {
            "story": "Two comparable four-star hotels less than 1 km apart in Luzhou fight churn. "
                     "Nanyuan wins lost guests back with service and personal contact; Eaton "
                     "with discounts and a long low-price policy. Nobody tells Eaton to lose: "
                     "its discounts stop covering the cost of good service, its budget rule "
                     "cuts service, its guests notice, and the guests won on price leave again.",
            "try": ["Play to the end and watch the numbered markers: cut, rebound, overtake, "
                     "trap.",
                     "Mid-run, raise Eaton's service budget or switch its win-back offer to "
                     "personal contact: does it escape the trap?",
                     "Setting B: Eaton without the general discount. Was the discount the "
                     "mistake, or its depth?"],
            "assume": ["20,000 potential guests (the population); the agents only sample them.",
                       "Guests choose by price, service, trust and bonds; a loyal guest pays a "
                       "switching cost to leave.",
                       "Service follows spend with a lag of 12 weeks; a budget rule cuts service "
                       "after 4 weeks of margin under 15% of price.",
                       "Guests talk (word of mouth) and complaints at Eaton go unanswered."],
        },
        "zh": {
            "story": "泸州市中心两家相距不到一公里、条件相当的四星级酒店都在应对客户流失。"
                     "南苑用服务和个人联系赢回流失客人；伊顿用折扣和长期低价。"
                     "模型里没有人让伊顿输：它的折扣不再能支付良好的服务，预算规则削减服务，"
                     "客人察觉到，靠低价赢回的客人再次流失。",
            "try": ["运行到底，留意编号标记：削减、反弹、超越、陷阱。",
                    "运行中提高伊顿的服务预算，或把它的赢回方式改为个人联系：它能走出陷阱吗？",
                    "方案 B：伊顿不做全面折扣。错的是折扣本身，还是折扣的深度？"],
            "assume": ["市场有 20,000 名潜在客人（总体）；模拟个体只是对他们的抽样。",
                       "客人按价格、服务、信任和纽带选择；忠诚的客人离开要付出转换成本。",
                       "服务水平随投入滞后 12 周变化；利润率连续 4 周低于价格的 15% 时，"
                       "预算规则削减服务。",
                       "客人之间口碑传播；伊顿不处理投诉。"],
        },
    },
    "best_buy_complaint": {
        "en": {"story": "A TV fails, repairs fail, a manager keeps the customer on hold: she "
                        "leaves for good and tells everyone, over a $270 TV.",
               "try": ["Follow a lost customer (One customer tab).",
                       "Setting B: more complaints answered per month."],
               "assume": ["Some dissatisfied customers complain; unanswered complaints end "
                          "the relationship and feed negative word of mouth."]},
        "zh": {"story": "一台电视出故障，维修失败，经理让顾客一直等待：她永远离开并告诉所有人，"
                        "只为一台 270 美元的电视。",
               "try": ["跟踪一位流失的顾客（单个顾客）。", "方案 B：每月处理更多投诉。"],
               "assume": ["部分不满意的顾客会投诉；未处理的投诉终结关系并引发负面口碑。"]},
    },
    "water_utility_monopoly": {
        "en": {"story": "A neglectful monopoly keeps its customers for years; deregulation lets "
                        "a competitor in and the false loyalty shows.",
               "try": ["Watch the Loyalty tab before and after deregulation."],
               "assume": ["Structural bonds hold customers until the market opens."]},
        "zh": {"story": "一家怠慢的垄断企业多年留住顾客；放松管制后竞争者进入，虚假忠诚暴露。",
               "try": ["对比放松管制前后的“忠诚”页。"],
               "assume": ["结构性纽带在市场开放前留住顾客。"]},
    },
    "number_portability": {
        "en": {"story": "Switching cost drops at month 24: a defection pulse of spuriously "
                        "loyal customers.",
               "try": ["Lower the structural bonds and Reset: the pulse comes earlier."],
               "assume": ["Keeping one's number removes a technical bond."]},
        "zh": {"story": "第 24 个月转换成本下降：虚假忠诚的顾客集中流失。",
               "try": ["降低结构性纽带并重置：流失高峰提前出现。"],
               "assume": ["携号转网消除了技术性纽带。"]},
    },
}


def info(path: str, description: str, lang: str = "en") -> dict:
    """{"story": str, "try": [str], "assume": [str]} of the case at ``path`` in ``lang``."""
    entry = INFO.get(Path(path).stem)
    if entry is None:
        return {"story": description, "try": [], "assume": []}
    return entry.get(lang) or entry["en"]
