"""The Info tab of each case: the story, what to try, what the model assumes (English, Chinese).

Keyed by the scenario file's name; a case without an entry shows its scenario description.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

INFO: dict[str, dict[str, dict[str, Any]]] = {
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
    "vip_programme": {
        "en": {"story": "Two comparable department stores. Metro Mall runs a tiered VIP "
                        "programme (silver from 500 yuan of smoothed spend, gold from 1,500; "
                        "points of 3-5% paid out at 300 points and lost on leaving; recognition "
                        "perks); Plaza has none. The seed: VIP members brought as much as 61% "
                        "of a retailer's revenue, and a card must reward loyalty, not bargain "
                        "hunting.",
               "try": ["Watch member_revenue_share: members are under half of Metro's active "
                       "customers yet bring about half of its revenue (about 0.49). Is Metro's "
                       "churn lower than Plaza's?",
                       "The card that rewards bargain hunting: --set \"firms.metro.strategies."
                       "loyalty_programme.tiers=[{name: club, threshold: 0, discount: 0.15}]\" "
                       "--set firms.metro.strategies.loyalty_programme.lock_in=0. Nearly "
                       "everyone becomes a member (share about 0.85), margin and profit fall: "
                       "it buys share, not loyalty."],
               "assume": ["20,000 customers: regulars (30%, shopping five times as often as "
                          "occasional customers), occasional customers (50%) and very "
                          "price-sensitive deal seekers (20%).",
                          "Tiers follow spend over the last 52 weeks; points are lost on "
                          "leaving, which holds members back.",
                          "Both stores have the same price (200 yuan a trip), service and "
                          "costs; only the programme differs."]},
        "zh": {"story": "两家条件相当的百货商场。美罗商场（Metro Mall）实行分级 VIP 计划"
                        "（平滑消费满 500 元为银卡，满 1,500 元为金卡；积分 3-5%，满 300 分兑现，"
                        "离开即作废；另有礼遇）；广场（Plaza）没有。案例称 VIP 会员贡献了零售商"
                        "多达 61% 的收入，会员卡应奖励忠诚，而不是成为贪便宜的工具。",
               "try": ["观察 member_revenue_share：会员不到美罗活跃顾客的一半，却贡献约一半"
                       "收入（约 0.49）。美罗的流失率是否低于广场？",
                       "奖励贪便宜的会员卡：--set \"firms.metro.strategies.loyalty_programme."
                       "tiers=[{name: club, threshold: 0, discount: 0.15}]\" --set "
                       "firms.metro.strategies.loyalty_programme.lock_in=0。几乎人人都成为"
                       "会员（收入占比约 0.85），利润率和利润下降：买到的是份额，不是忠诚。"],
               "assume": ["20,000 名顾客：常客（30%，购物频率是偶尔顾客的五倍）、偶尔顾客"
                          "（50%）和对价格非常敏感的逐利者（20%）。",
                          "等级按最近 52 周的消费确定；离开即失去积分，这会留住会员。",
                          "两家商场价格（每次 200 元）、服务和成本相同，只有会员计划不同。"]},
    },
    "certification_body": {
        "en": {"story": "A certification body sorts its 6,000 client organisations into "
                        "classes A, B and C by the maturity of their management systems. "
                        "Mature A clients get \"A+\" service (diagnosis, information, "
                        "convenience): every A client, about 1,500, is visited each quarter, "
                        "which grows knowledge and social bonds. A low-price rival certifies "
                        "for a third less (20,000 against 30,000 yuan an audit).",
               "try": ["Play six years: about 80% of A clients are still the body's clients "
                       "with A+ service.",
                       "Without A+ service (--set firms.certbody.strategies.1.contacts=0) "
                       "only about 69% of A clients stay and the body's revenue is lower; "
                       "B and C clients are the same either way.",
                       "Watch class C: its clients drift to the low-price rival whatever the "
                       "body does."],
               "assume": ["Classes start with different knowledge and social bonds: strong "
                          "for A, weak for B, almost none for C.",
                          "C clients buy a certificate on price; A clients weigh value and "
                          "people and are little price sensitive.",
                          "One period is a quarter, 24 quarters; a client needs an audit in "
                          "about half of them."]},
        "zh": {"story": "一家认证机构按管理体系的成熟度把 6,000 家客户组织分为 A、B、C 三类。"
                        "成熟的 A 类客户享受“A+”服务（诊断、信息、便利）：每季度走访每一家 A 类"
                        "客户（约 1,500 家），增强知识纽带和社会纽带。一家低价竞争者的认证费低"
                        "三分之一（每次审核 20,000 元对 30,000 元）。",
               "try": ["运行六年：有 A+ 服务时约 80% 的 A 类客户仍留在该机构。",
                       "取消 A+ 服务（--set firms.certbody.strategies.1.contacts=0）："
                       "只有约 69% 的 A 类客户留下，机构收入更低；B 类和 C 类客户两种情况下"
                       "都一样。",
                       "观察 C 类客户：无论机构怎么做，他们都流向低价竞争者。"],
               "assume": ["各类客户起始的知识纽带和社会纽带不同：A 类强，B 类弱，C 类几乎没有。",
                          "C 类客户按价格购买证书；A 类客户看重价值和人员，对价格不太敏感。",
                          "一个周期为一个季度，共 24 个季度；客户约有一半的季度需要审核。"]},
    },
    "nanyuan_vs_eaton_staff": {
        "en": {"story": "The same two hotels, guests and strategies, but the people side of "
                        "service is delivered by front-line staff who can be content or not, "
                        "stay or quit (the service-profit chain). Nanyuan pays a small bonus "
                        "and trains its people; Eaton pays less, and when its budget rule cuts "
                        "the service budget it cuts its staff's bonus and training too. "
                        "Unhappy staff quit, new hires know little, people service falls, "
                        "guests are less satisfied - and unhappy guests make unhappy staff.",
               "try": ["Open the staff cycle figure (staff.png): staff satisfaction, quits, "
                       "experience and people service, beside guest satisfaction (the "
                       "mirror).",
                       "Pay Eaton's staff above the town wage (--set firms.eaton.staff."
                       "wage=1100): its people service stays near 0.63 instead of 0.47 and half "
                       "as many staff quit, yet its guests still leave at about 5.5% a week: "
                       "the staff were not the whole trap.",
                       "Switch the mirror off (--set params.staff.mirror=0): staff and guest "
                       "satisfaction then move together far less over time."],
               "assume": ["One staff member per 15 guest-nights a week of demand, paid 1,000 "
                          "yuan a week against 1,050 in town; a new hire costs 4,000 yuan.",
                          "Staff satisfaction rises with pay, training and satisfied guests; "
                          "it falls with overload, failures to handle and pay cuts.",
                          "Quitters take their share of the guests' personal (social) bonds.",
                          "Otherwise the Nanyuan vs Eaton case."]},
        "zh": {"story": "同样的两家酒店、同样的客人和策略，但服务中\u201c人\u201d的部分由一线员工"
                        "提供：员工可能满意或不满意，可能留下或离职（服务利润链）。南苑给员工少量"
                        "奖金并培训员工；伊顿工资较低，预算规则削减服务预算时，也削减了员工的"
                        "奖金和培训。不满意的员工离职，新员工经验不足，人员服务下降，客人满意度"
                        "降低——而不满意的客人又让员工更不满意。",
               "try": ["打开员工循环图（staff.png）：员工满意度、离职、经验和人员服务，"
                       "以及客人满意度（满意度镜像）。",
                       "让伊顿给员工高于本市水平的工资（--set firms.eaton.staff.wage=1100）："
                       "人员服务保持在约 0.63 而不是 0.47，离职员工减半，但客人仍以每周约 5.5% "
                       "的速度流失：员工并不是陷阱的全部。",
                       "关闭镜像效应（--set params.staff.mirror=0）：员工和客人的满意度随时间"
                       "同步变化的程度大大减弱。"],
               "assume": ["每周每 15 个客房夜需求配一名一线员工，周薪 1,000 元（本市同类工作 "
                          "1,050 元）；招聘一名新员工花费 4,000 元。",
                          "员工满意度随工资、培训和客人满意而上升，随超负荷、需处理的服务失误"
                          "和减薪而下降。",
                          "离职员工带走他们所承载的客人个人（社会）纽带。",
                          "其余与南苑对伊顿案例相同。"]},
    },
    "certification_body_levels": {
        "en": {"story": "The certification body's market, but each client is known through "
                        "its people: one contact (the quality or purchasing manager) to begin "
                        "with. Each contact changes job with a chance of 8% a quarter and takes "
                        "the bonds and attachment they carried; when every contact the body "
                        "knew has left, trust halves too. Knowing A clients at three levels "
                        "costs 1,500 yuan a quarter per extra contact.",
               "try": ["One contact (--set firms.0.strategies.2.levels=1), two levels (=2) or "
                       "the file's three: clients lost within 4 quarters per 100 contact "
                       "changes fall from 43 to 33 to 28.",
                       "Watch lost_after_contact_change, contact_levels_spend and "
                       "cumulative_profit: three levels keep about 110 more clients and about "
                       "25 M yuan more revenue, yet profit is 286.6 M against 359.7 M yuan "
                       "with one contact.",
                       "Lower firms.0.strategies.2.cost_per_level: three levels pay only below "
                       "about 180 yuan per extra contact and quarter (two levels below about "
                       "330)."],
               "assume": ["With k contacts known, a job change takes 1/k of the social and "
                          "psychological bonds; with one contact, all of them.",
                          "A loss within 4 quarters of a change counts as following it.",
                          "Otherwise the Certification body case: 6,000 client organisations, "
                          "a rival a third cheaper, 24 quarters."]},
        "zh": {"story": "与认证机构案例相同的市场，但机构是通过客户组织里的人来认识客户的："
                        "起初只认识一位联系人（质量经理或采购经理）。每位联系人每季度有 8% 的"
                        "概率换工作，并带走他所承载的纽带和情感依恋；当机构认识的联系人全部离开，"
                        "信任也减半。在 A 类客户中认识三个层级的人，每多一位联系人每季度花费 "
                        "1,500 元。",
               "try": ["一位联系人（--set firms.0.strategies.2.levels=1）、两个层级（=2）或"
                       "文件中的三个层级：每 100 次联系人变动后 4 个季度内流失的客户从 43 降到 "
                       "33，再降到 28。",
                       "观察 lost_after_contact_change、contact_levels_spend 和 "
                       "cumulative_profit：三个层级多留住约 110 家客户、多约 2,500 万元收入，"
                       "但利润为 2.866 亿元，而一位联系人时为 3.597 亿元。",
                       "降低 firms.0.strategies.2.cost_per_level：每位额外联系人每季度低于约 "
                       "180 元时三个层级才划算（两个层级低于约 330 元）。"],
               "assume": ["认识 k 位联系人时，一人换工作带走 1/k 的社会纽带和心理纽带；"
                          "只认识一人时全部带走。",
                          "联系人变动后 4 个季度内的流失算作由变动引起。",
                          "其余与认证机构案例相同：6,000 家客户组织，竞争者便宜三分之一，"
                          "24 个季度。"]},
    },
    "car_service_clv": {
        "en": {"story": "A customer is 30 and stays with his car dealer until 60: about 2,400 "
                        "yuan a year of service and a 100,000 yuan car in years 0, 10 and 20. "
                        "The seed's sum: 2,400 x 10 x 3 + 100,000 x 3 = 372,000 yuan of "
                        "lifetime value.",
               "try": ["Check clv_realised and clv_mean: both reach 372,000 yuan (clv_mean "
                       "from year 9 on), on every seed.",
                       "Retention below 1 (--set params.turnover.exit_rate=0.1) or "
                       "discounting (--set params.cohorts.discount_rate=0.1): how fast does "
                       "the value fall? At 90% retention a year the 30-year value is "
                       "12,400 x (1 - 0.9^30) / 0.1, about 119,000 yuan."],
               "assume": ["One period is a year, 30 years; the dealer keeps every customer, "
                          "with no discounting, and value = what the customer spends.",
                          "Price events set the bill to 102,400 yuan in years 0, 10 and 20 "
                          "and back to 2,400 the year after."]},
        "zh": {"story": "一位顾客 30 岁，一直在同一家汽车经销商消费到 60 岁：每年约 2,400 元"
                        "保养维修费，并在第 0、10、20 年各买一辆 100,000 元的车。案例的算法："
                        "2,400 x 10 x 3 + 100,000 x 3 = 372,000 元的终身价值。",
               "try": ["查看 clv_realised 和 clv_mean：两者都达到 372,000 元（clv_mean 从第 9 "
                       "年起），每个随机种子都一样。",
                       "保留率低于 1（--set params.turnover.exit_rate=0.1）或贴现（--set "
                       "params.cohorts.discount_rate=0.1）：价值下降得多快？每年保留率 90% "
                       "时，30 年的价值为 12,400 x (1 - 0.9^30) / 0.1，约 119,000 元。"],
               "assume": ["一个周期为一年，共 30 年；经销商留住每一位顾客，不贴现，价值 = "
                          "顾客的消费额。",
                          "价格事件在第 0、10、20 年把账单设为 102,400 元，次年恢复为 2,400 元。"]},
    },
    "food_scandal": {
        "en": {"story": "Two restaurants share a district of 20,000 diners. In week 26 the "
                        "evening news shows expired meat in Golden Dragon's kitchen (a scandal "
                        "of severity 0.9, the firm at fault): trust and bonds fall and the "
                        "dissatisfied warn their friends. A week later Golden Dragon apologises "
                        "and gives a 50-yuan voucher to each customer it reaches (80% of those "
                        "who heard).",
               "try": ["As it stands, the prompt apology keeps about 97% of the customers it "
                       "had before against 92% with silence, but within the year the vouchers "
                       "(about 450,000 yuan) cost more than the margin of the customers kept.",
                       "Deny: --set firms.golden_dragon.strategies.0.response=deny keeps about "
                       "540 fewer customers than silence. Late: --set firms.golden_dragon."
                       "strategies.0.delay=12 costs almost as much and keeps only about 110 "
                       "more than silence.",
                       "An apology without a voucher: --set firms.golden_dragon.strategies.0."
                       "compensation=0; or an excuse: ...strategies.0.response=diminish."],
               "assume": ["Diners weigh trust in a kitchen heavily (beta_trust 4).",
                          "Every effect of the answer halves with each 4 weeks of delay; "
                          "denying the firm's own fault costs trust.",
                          "Weekly periods, meals of about 80 yuan; word of mouth on a "
                          "small-world network."]},
        "zh": {"story": "两家餐馆共享一个有 20,000 名食客的街区。第 26 周，晚间新闻曝光金龙"
                        "（Golden Dragon）后厨使用过期肉（严重程度 0.9 的丑闻，责任在企业）："
                        "信任和纽带下降，不满的食客告诫朋友。一周后金龙公开道歉，并向触达的每位"
                        "顾客（听说此事者的 80%）发放 50 元代金券。",
               "try": ["按文件原样，及时道歉留住丑闻前约 97% 的顾客，沉默只有 92%；但在一年内，"
                       "代金券（约 450,000 元）的成本超过所留顾客带来的毛利。",
                       "否认：--set firms.golden_dragon.strategies.0.response=deny 比沉默少留"
                       "约 540 名顾客。迟到：--set firms.golden_dragon.strategies.0.delay=12 "
                       "花费几乎相同，只比沉默多留约 110 名。",
                       "只道歉不发代金券：--set firms.golden_dragon.strategies.0."
                       "compensation=0；或找借口：...strategies.0.response=diminish。"],
               "assume": ["食客非常看重对厨房的信任（beta_trust 4）。",
                          "回应每推迟 4 周，各项效果减半；企业否认自己的过错会损失信任。",
                          "以周为周期，每餐约 80 元；口碑在小世界网络上传播。"]},
    },
    "retail_cdnow": {
        "en": {"story": "A CD retailer shaped like the CDNOW panel (Fader & Hardie): 23,570 "
                        "people who made their first purchase in the first 12 weeks of 1997, "
                        "followed for 78 weeks. There is no rival: a customer buys here or does "
                        "not buy, and some silently stop buying.",
               "try": ["--set market.population=2357 for the panel's 1/10 sample.",
                       "Raise --set market.segments.buyers.need_shape=1 (purchase rates more "
                       "alike) or switch dropout off (--set params.dropout.enabled=false) and "
                       "compare the weekly purchases.",
                       "run.py forecast calibrates the purchase and dropout parameters to a "
                       "log's first weeks (docs/experiments.md)."],
               "assume": ["Purchase rates differ between customers (gamma shape 0.63: a few "
                          "heavy buyers, many light; a mean weekly chance of 0.0675).",
                          "After a repeat purchase customers may drop out silently, whatever "
                          "their satisfaction (most leave after one or two); about a quarter "
                          "never do. They arrive over the first 12 weeks with a first purchase.",
                          "An order is about 36 dollars; the parameters are run.py forecast's "
                          "fit to the panel's weeks 1-39."]},
        "zh": {"story": "一家 CD 零售商，形态仿照 CDNOW 面板数据（Fader & Hardie）：23,570 人在 "
                        "1997 年前 12 周首次购买，并被跟踪 78 周。没有竞争者：顾客要么在这里买，"
                        "要么不买，有些人悄无声息地不再购买。",
               "try": ["--set market.population=2357 对应面板的 1/10 样本。",
                       "提高 --set market.segments.buyers.need_shape=1（顾客购买率更接近）"
                       "或关闭悄然流失（--set params.dropout.enabled=false），比较每周购买量。",
                       "run.py forecast 用日志的前几周校准购买和流失参数（docs/experiments.md）。"],
               "assume": ["顾客之间购买率不同（伽马形状 0.63：少数重度购买者，多数轻度；每周平均"
                          "购买概率 0.0675）。",
                          "重复购买后顾客可能悄然流失，与满意度无关（多数在一两次后离开）；约四分之一"
                          "从不流失。他们在前 12 周陆续到来并首次购买。",
                          "每笔订单约 36 美元；参数是 run.py forecast 对面板第 1-39 周的"
                          "拟合结果。"]},
    },
}


def info(path: str, description: str, lang: str = "en") -> dict[str, Any]:
    """{"story": str, "try": [str], "assume": [str]} of the case at ``path`` in ``lang``."""
    entry = INFO.get(Path(path).stem)
    if entry is None:
        return {"story": description, "try": [], "assume": []}
    return entry.get(lang) or entry["en"]
