### The words of the layout, navigation and dashboard — Simplified Chinese.
### Fluent syntax; every key here must be in the other language's file too (the build checks).

AppShort = 云监管平台
DemoBanner = 演示数据：本系统中的所有机构、人员与记录均为虚构。
Language = 语言
SignOut = 退出登录
NotFoundBody = 您访问的页面不存在或已被移除。
Dashboard = 工作台
People = 人员
MyAccount = 我的账号
Welcome = 欢迎
YourOrganisation = 所在机构
DashboardIntro = 这里将汇总您所在机构需要关注的监管事项。
OpenAll = 查看全部
AgenciesInJurisdiction = 管辖范围内的政府部门网站
WebsitesServed = 服务的网站
YourPeople = 本单位人员
WhatFollows = 此操作将：
ReasonKept = 原因随记录保存，对方和监管单位可以查阅。
Cancel = 取消
ForbiddenTitle = 无权访问
