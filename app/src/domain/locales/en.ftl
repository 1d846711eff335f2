### The words of the shared vocabulary: organisation kinds, roles, engagement roles and states, cadences — English.
### Fluent syntax; every key here must be in the other language's file too (the build checks).

KindAgency = Agency (cloud service customer)
KindCsp = Cloud service provider
KindSupplier = Supply-chain provider
KindAssessor = Third-party assessor
KindRegulator = Regulator
KindPlatform = Platform operator
SubDeveloper = Website developer
SubIntegrator = System integrator
SubSecurity = Security service provider
RoleOrgAdmin = Organisation administrator
RoleSecurityOfficer = Security officer
RoleDutyOfficer = Duty officer
RoleViewer = Read-only viewer
RolePlatformAdmin = Platform administrator
RoleStaff = Staff
EngRoleCsp = Cloud service provider
EngRoleAssessor = Assessor
EngInvited = Invited
EngActive = Active
EngDeclined = Declined
EngEnded = Ended
CadMonthly = Monthly
CadQuarterly = Quarterly
CadHalfYearly = Half-yearly
CadYearly = Yearly
