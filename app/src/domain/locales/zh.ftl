### The words of the shared vocabulary: organisation kinds, roles, engagement roles and states, cadences — Simplified Chinese.
### Fluent syntax; every key here must be in the other language's file too (the build checks).

KindAgency = 政府部门（云服务客户）
KindCsp = 云服务商
KindSupplier = 供应链服务商
KindAssessor = 第三方评估机构
KindRegulator = 监管部门
KindPlatform = 平台运营方
SubDeveloper = 网站开发商
SubIntegrator = 系统集成商
SubSecurity = 安全服务商
RoleOrgAdmin = 机构管理员
RoleSecurityOfficer = 安全负责人
RoleDutyOfficer = 值班人员
RoleViewer = 只读查看
RolePlatformAdmin = 平台管理员
RoleStaff = 工作人员
EngRoleCsp = 云服务商
EngRoleAssessor = 第三方评估机构
EngInvited = 待对方接受
EngActive = 生效中
EngDeclined = 已拒绝
EngEnded = 已终止
CadMonthly = 每月
CadQuarterly = 每季度
CadHalfYearly = 每半年
CadYearly = 每年
