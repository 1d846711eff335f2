### The words of duty rosters: rotations, overrides, special periods, the duty stood — Simplified Chinese.
### Fluent syntax; every key here must be in the other language's file too (the build checks).

ErrDutyNameTooLong = 名称过长（最多 200 个字符）。
ErrDutyCover = 请选择值班表须覆盖的时段：工作时间以外、全天 24 小时、无，或自定义时段。
ErrDutyHours = 请按“星期 时间”填写时段，例如“mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00”。
ErrDutyPhone = 电话号码过长（最多 64 个字符）。
ErrDutyLayer = 请选择主班或备班。
ErrDutyPattern = 请选择交接方式：每天、每周、每隔若干天，或指定星期几。
ErrDutyEveryDays = 请填写交接间隔天数，1 至 366。
ErrDutyNoDays = 请至少选择一个交接的星期几。
ErrDutyClock = 请按 HH:MM（24 小时制）填写交接时间，例如 09:00。
ErrDutyDate = 请按 YYYY-MM-DD 填写日期。
ErrDutyDateTime = 请按 YYYY-MM-DD HH:MM 填写日期和时间。
ErrDutyNoPeople = 轮值至少需要一名人员。
ErrDutyTooManyMembers = 一个轮值最多 100 人。
ErrDutyNotColleague = 只有本单位在职人员可以值班。
ErrDutyMemberDates = 成员的退出日期须晚于加入日期，均按 YYYY-MM-DD 填写。
ErrDutyEndsBeforeStart = 结束时间须晚于开始时间。
ErrDutySamePerson = 替班须为两名不同的人员。
ErrDutyOverrideConflict = 同一人员在同一班次层级的另一项调整与此时段重叠；请先修改或撤销那一项。
ErrDutyChangesNothing = 此项调整不改变任何安排：有无此项，值班表都相同。
ErrDutyOverrideKind = 请选择增加、移除或替换。
ErrDutyInThePast = 该时间已经过去。
ErrDutyOwnOffer = 不能接替自己让出的班次。
ErrDutyRotationEnded = 此版本的轮值已结束；请修改当前生效的版本。
ErrDutyReportEvery = 请填写状态报告的间隔小时数（1 至 24），或留空。
ErrDutySpecialTooLong = 特殊时段最长 62 天。
ErrDutyWindowTooLong = 时间线一次最多显示 62 天。
