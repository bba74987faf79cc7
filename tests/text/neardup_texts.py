"""Complaints for the near-duplicate tests: one private-lending template (a lender's
suits differ in the borrower, the sum and the dates) and an unrelated complaint."""

from __future__ import annotations

TEMPLATE = (
    "原告{lender}向本院提出诉讼请求：1.判令被告{borrower}立即偿还借款本金{amount}元及利息"
    "（以{amount}元为基数，按年利率15.4%自{day}起计算至实际清偿之日止）；2.本案诉讼费、保全费"
    "由被告承担。事实和理由：{day}，被告{borrower}因经营需要向原告借款{amount}元，并出具借条一份，"
    "约定借款期限为{months}个月，月利率1.5%。借款到期后，原告多次催讨，被告{borrower}以各种理由"
    "推脱，至今分文未还。原告认为，双方之间的借贷关系合法有效，被告应当依约还本付息。为维护原告"
    "的合法权益，特诉至法院，请求判如所请。"
)
BORROWERS = ("王芳", "刘洋", "陈静", "杨磊", "黄敏", "赵丽", "周杰", "吴刚", "徐明", "孙涛")
OTHER = (
    "原告某保险公司诉称：被告驾驶的重型货车在高速公路上与原告承保的小型客车追尾，交警部门认定"
    "被告负事故全部责任。原告依照保险合同向被保险人赔付车辆损失后，依法取得代位求偿权，请求判令"
    "被告赔偿原告损失并承担本案诉讼费用。"
)
