//! The one translation layer: every visible string is a `Msg`, with Simplified Chinese and English.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Zh, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::Zh => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Some(Locale::Zh),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    /// Picks from an Accept-Language header by quality; Simplified Chinese when it names neither.
    pub fn from_accept_language(header: Option<&str>) -> Locale {
        let Some(header) = header else {
            return Locale::Zh;
        };
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok()))
                .unwrap_or(1.0);
            let locale = if tag.starts_with("zh") {
                // Traditional-script tags still get Simplified: it is the only Chinese we have.
                Some(Locale::Zh)
            } else if tag.starts_with("en") {
                Some(Locale::En)
            } else {
                None
            };
            if let Some(l) = locale {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or(Locale::Zh)
    }
}

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A visible string's key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((Msg::$key, Locale::Zh) => $zh, (Msg::$key, Locale::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    AppName => "政府网站云服务监管平台", "Government Website Cloud Supervision Portal";
    AppShort => "云监管平台", "Cloud Supervision";
    DemoBanner => "演示数据：本系统中的所有机构、人员与记录均为虚构。", "Demo data: every organisation, person and record here is fictitious.";
    Language => "语言", "Language";
    LangZh => "中文", "中文";
    LangEn => "English", "English";
    SignIn => "登录", "Sign in";
    SignOut => "退出登录", "Sign out";
    Email => "电子邮箱", "Email";
    Password => "密码", "Password";
    ShowPassword => "显示密码", "Show password";
    HidePassword => "隐藏密码", "Hide password";
    SignInTitle => "登录监管平台", "Sign in to the portal";
    SignInHelp => "请使用所在机构管理员为您开通的账号登录。", "Use the account your organisation's administrator created for you.";
    ErrInvalidCredentials => "邮箱或密码不正确。连续多次失败后，账号将被暂时锁定。", "The email or password is not correct. After repeated failures an account is locked for a while.";
    ErrRateLimited => "来自您所在地址的登录尝试过多，请稍后再试。", "Too many sign-in attempts from your address. Please try again later.";
    ErrLocked => "该账号因连续登录失败已被暂时锁定，请稍后再试。", "This account is temporarily locked after repeated failed sign-ins. Please try again later.";
    ErrSessionExpired => "会话已过期，请重新登录。", "Your session has expired. Please sign in again.";
    ErrNotSignedIn => "请先登录。", "Please sign in first.";
    ErrForbidden => "您没有权限执行此操作。", "You are not allowed to do this.";
    ErrNotFound => "未找到所请求的内容。", "What you asked for was not found.";
    ErrInternal => "服务器内部错误。请将请求编号告知管理员：", "Internal error. Please give the administrator this request id:";
    ErrCrossOrigin => "已拒绝来自其他来源的请求。", "A request from another origin was refused.";
    ErrBadRequest => "请求格式不正确，请检查填写的内容。", "The request was malformed; check what was entered.";
    ErrConflict => "该记录已存在。", "That already exists.";
    ErrWrongCurrentPassword => "当前密码不正确。", "The current password is not correct.";
    ErrPasswordTooShort => "密码至少需要 12 个字符。", "The password must have at least 12 characters.";
    ErrPasswordTooLong => "密码不能超过 128 个字符。", "The password must have at most 128 characters.";
    ErrPasswordWeak => "密码太容易被猜到（常见密码或简单规律），请换一个更强的密码。", "That password is too easy to guess (common or a simple pattern). Choose a stronger one.";
    ErrPasswordPersonal => "密码不能包含您的姓名或邮箱。", "The password must not contain your name or email.";
    ErrPasswordMismatch => "两次输入的新密码不一致。", "The two new passwords do not match.";
    ErrPasswordSame => "新密码不能与当前密码相同。", "The new password must differ from the current one.";
    ErrEmailInvalid => "请输入有效的电子邮箱地址。", "Enter a valid email address.";
    ErrEmailTaken => "该电子邮箱已被使用。", "That email is already in use.";
    ErrNameRequired => "请填写名称。", "Enter a name.";
    ErrNameTaken => "该名称已被使用。", "That name is already in use.";
    ErrRoleRequired => "请至少选择一个角色。", "Choose at least one role.";
    ErrSubtypeRequired => "供应链服务商需要选择类型。", "A supply-chain provider needs a subtype.";
    ErrInvalidDate => "日期格式不正确（应为 YYYY-MM-DD）。", "The date is not valid (use YYYY-MM-DD).";
    ErrSelfDeactivate => "不能停用您自己的账号。", "You cannot deactivate your own account.";
    ErrLastAdmin => "机构至少需要保留一名在职管理员。", "An organisation must keep at least one active administrator.";
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundBody => "您访问的页面不存在或已被移除。", "The page you asked for does not exist or was removed.";
    BackToSignIn => "返回登录", "Back to sign-in";
    SecondsToWait => "可再次尝试的等待秒数：", "Seconds until you may try again:";
    BackHome => "返回首页", "Back to the dashboard";
    Dashboard => "工作台", "Dashboard";
    Organisations => "机构", "Organisations";
    People => "人员", "People";
    AuditTrail => "审计日志", "Audit trail";
    MyAccount => "我的账号", "My account";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    ConfirmPassword => "确认新密码", "Confirm new password";
    PasswordRules => "至少 12 个字符；不能是常见密码，也不能包含您的姓名或邮箱。", "At least 12 characters; not a common password, and not containing your name or email.";
    MustChangeNotice => "首次登录或管理员重置后，您必须先设置新密码才能继续使用。", "You must set a new password before you can go on (first sign-in or reset by an administrator).";
    PasswordChanged => "密码已修改。", "Your password was changed.";
    Save => "保存", "Save";
    Create => "创建", "Create";
    Cancel => "取消", "Cancel";
    Edit => "编辑", "Edit";
    Deactivate => "停用", "Deactivate";
    Reactivate => "重新启用", "Reactivate";
    Active => "在用", "Active";
    Inactive => "已停用", "Inactive";
    Status => "状态", "Status";
    Name => "名称", "Name";
    DisplayName => "姓名", "Name";
    Kind => "类型", "Kind";
    Subtype => "子类型", "Subtype";
    Roles => "角色", "Roles";
    Actions => "操作", "Actions";
    Welcome => "欢迎", "Welcome";
    YourOrganisation => "所在机构", "Your organisation";
    KindAgency => "政府部门（云服务客户）", "Agency (cloud service customer)";
    KindCsp => "云服务商", "Cloud service provider";
    KindSupplier => "供应链服务商", "Supply-chain provider";
    KindAssessor => "第三方评估机构", "Third-party assessor";
    KindRegulator => "监管部门", "Regulator";
    KindPlatform => "平台运营方", "Platform operator";
    SubDeveloper => "网站开发商", "Website developer";
    SubIntegrator => "系统集成商", "System integrator";
    SubSecurity => "安全服务商", "Security service provider";
    NoSubtype => "（无）", "(none)";
    RoleOrgAdmin => "机构管理员", "Organisation administrator";
    RoleSecurityOfficer => "安全负责人", "Security officer";
    RoleDutyOfficer => "值班人员", "Duty officer";
    RoleViewer => "只读查看", "Read-only viewer";
    RolePlatformAdmin => "平台管理员", "Platform administrator";
    NewOrganisation => "新建机构", "New organisation";
    FirstAdmin => "首位管理员", "First administrator";
    FirstAdminEmail => "首位管理员邮箱", "First administrator's email";
    FirstAdminName => "首位管理员姓名", "First administrator's name";
    OneTimePasswordIntro => "已创建。请将以下一次性密码安全地交给对方，它只显示这一次，首次登录时必须修改：", "Created. Hand this one-time password over securely; it is shown only this once and must be changed at first sign-in:";
    AddPerson => "添加人员", "Add a person";
    EditPerson => "编辑人员", "Edit person";
    PeopleOf => "本机构人员", "People of your organisation";
    NoPeople => "还没有人员。", "No people yet.";
    NoOrganisations => "还没有机构。", "No organisations yet.";
    ResetPassword => "重置密码", "Reset password";
    OwnRolesHelp => "您自己的角色由本单位另一位管理员更改。", "Your own roles are changed by another administrator of your organisation.";
    ErrOwnRoles => "不能更改自己的角色，请由本单位另一位管理员操作。", "You cannot change your own roles; another administrator of your organisation must.";
    ErrPlatformAdminGrant => "只有平台管理员可以授予或撤销平台管理员角色。", "Only a platform administrator can grant or remove the platform administrator role.";
    ResetPasswordHelp => "将生成一次性密码（仅显示一次），此人须在下次登录时修改；此人所有已登录的会话立即结束，其全部 API 令牌同时吊销。", "A one-time password is made (shown once) that the person must change at the next sign-in; all of the person's sessions end at once and all of their API tokens are revoked.";
    Filter => "筛选", "Filter";
    ClearFilter => "清除筛选", "Clear";
    ExportCsv => "导出 CSV", "Export CSV";
    From => "起始日期", "From";
    To => "截止日期", "To";
    Person => "人员", "Person";
    Action => "操作", "Action";
    AnyAction => "全部操作", "All actions";
    AnyPerson => "全部人员", "Everyone";
    When => "时间", "When";
    Who => "操作人", "Who";
    Target => "对象", "Target";
    Details => "详情", "Details";
    SourceAddress => "来源地址", "Source address";
    NoAuditRows => "没有符合条件的审计记录。", "No audit rows match.";
    ChainIntact => "审计链完整：所有记录均未被篡改。", "The audit chain is intact: no row was altered.";
    ChainBroken => "审计链已断裂，第一处断点：", "The audit chain is broken; first broken link:";
    RowsChecked => "已校验记录数", "Rows checked";
    VerifyChain => "校验审计链", "Verify the chain";
    ShowingRows => "显示记录数", "Rows shown";
    Loading => "加载中…", "Loading…";
    Saved => "已保存。", "Saved.";
    PasswordResetDone => "密码已重置。一次性密码（只显示一次）：", "Password reset. One-time password (shown once):";
    TimeZoneNote => "时间按您的时区显示：", "Times are shown in your time zone:";
    ActionSignIn => "登录成功", "Signed in";
    ActionSignInFailed => "登录失败", "Sign-in failed";
    ActionSignOut => "退出登录", "Signed out";
    ActionLockout => "账号锁定", "Account locked";
    ActionRateLimited => "登录限流", "Sign-in rate-limited";
    ActionPasswordChange => "修改密码", "Password changed";
    ActionPasswordReset => "重置密码", "Password reset";
    ActionOrgCreate => "创建机构", "Organisation created";
    ActionOrgUpdate => "修改机构", "Organisation changed";
    ActionPersonCreate => "添加人员", "Person added";
    ActionPersonUpdate => "修改人员", "Person changed";
    ActionPersonDeactivate => "停用人员", "Person deactivated";
    ActionPersonReactivate => "启用人员", "Person reactivated";
    ActionRolesChange => "变更角色", "Roles changed";
    ActionLocaleChange => "切换语言", "Language changed";
    DashboardIntro => "这里将汇总您所在机构需要关注的监管事项。", "Your organisation's supervision work is summarised here.";
    LastSignIn => "上次登录", "Last sign-in";
    Never => "从未", "Never";
    PeopleCount => "人员数", "People";
    OrganisationsCount => "机构数", "Organisations";
    AuditRowsToday => "今日审计记录", "Audit rows today";
    Yes => "是", "Yes";
    No => "否", "No";
    MustChange => "须改密", "Must change password";
    LockedUntil => "锁定至", "Locked until";
    Preferences => "偏好设置", "Preferences";
    TimeZone => "时区", "Time zone";
    ErrTimeZone => "未知的时区。", "Unknown time zone.";
    PreferencesSaved => "偏好设置已保存。", "Your preferences were saved.";
    ActionPreferencesChange => "修改偏好设置", "Preferences changed";
    Hydrated => "交互已就绪", "Interactive";
    RoleStaff => "工作人员", "Staff";
    NotNamed => "未指定", "Not named";
    Time => "时间", "Time";
    MailPending => "待发送", "waiting";
    MailSent => "已发送", "sent";
    OpenAll => "查看全部", "See all";
    Organisation => "单位", "Organisation";
    ModelIaas => "基础设施即服务（IaaS）", "IaaS";
    ModelPaas => "平台即服务（PaaS）", "PaaS";
    ModelSaas => "软件即服务（SaaS）", "SaaS";
    DeployPublic => "公有云", "Public cloud";
    DeployGovernment => "政务云", "Government cloud";
    DeployPrivate => "私有云", "Private cloud";
    DeployCommunity => "社区云", "Community cloud";
    DeployHybrid => "混合云", "Hybrid cloud";
    PhasePlanning => "规划准备", "Planning";
    PhaseMigration => "部署迁移", "Migration";
    PhaseTrial => "试运行", "Trial operation";
    PhaseOperation => "运行监管", "Operation";
    PhaseExit => "退出服务", "Exit";
    EngRoleCsp => "云服务商", "Cloud service provider";
    EngRoleAssessor => "第三方评估机构", "Assessor";
    EngInvited => "待对方接受", "Invited";
    EngActive => "生效中", "Active";
    EngDeclined => "已拒绝", "Declined";
    EngEnded => "已终止", "Ended";
    FlagDomainOutsideGov => "域名不在 .gov.cn / .政务.cn / .政务 下", "Domain not under .gov.cn, .政务.cn or .政务";
    FlagHighLevelPublic => "四级以上系统使用公有云", "Level 4+ on a public cloud";
    FlagTrialOverdue => "试运行超过三个月", "Trial operation past three months";
    FlagNoSecurityOfficer => "未指定安全负责人", "No security officer named";
    ErrDomainRequired => "请填写域名。", "Enter the domain.";
    ErrDomainNotUrl => "只填写域名，不含 http://、端口或路径。", "Enter the domain only, without http://, a port or a path.";
    ErrDomainInvalid => "这不是有效的域名。", "This is not a valid domain name.";
    ErrDomainTaken => "该域名已登记。", "This domain is already registered.";
    ErrLevelRange => "安全保护等级须为 1 至 5。", "The protection level must be 1 to 5.";
    ErrDateInvalid => "日期格式应为 YYYY-MM-DD。", "Enter the date as YYYY-MM-DD.";
    ErrDateInFuture => "日期不能晚于今天。", "The date cannot be in the future.";
    ErrChoose => "请从列表中选择。", "Choose one from the list.";
    ErrOfficerInvalid => "安全负责人须为本单位具有安全负责人角色的在职人员。", "The security officer must be an active person of this agency with the security officer role.";
    ErrEndsBeforeStart => "结束日期不能早于开始日期。", "The engagement cannot end before it starts.";
    ErrEngagementNotInvited => "该合作已答复，不能再次接受或拒绝。", "This engagement was already answered.";
    ErrEngagementNotActive => "该合作尚未生效；服务商可拒绝邀请。", "This engagement is not active yet; a provider declines an invitation instead.";
    ErrEngagementClosed => "该合作已结束。", "This engagement is already closed.";
    ErrProviderUnknown => "找不到该服务商。", "No such provider.";
    ErrProviderKind => "该单位的类型与所选服务角色不符。", "This organisation's kind does not fit the chosen role.";
    ErrWebsitesRequired => "请至少选择本单位的一个网站。", "Choose at least one of your websites.";
    ErrNoticeDays => "变更提前通知天数须为 0 至 365。", "The notice period must be 0 to 365 days.";
    ErrNdaIncomplete => "保密协议须同时填写签署日期和签署人。", "Give both the date and the signatory of the confidentiality agreement.";
    ErrNotRegulator => "上级须为监管部门。", "The parent must be a regulator.";
    ErrNotPlaceable => "只有政府部门和监管部门可以放入管辖关系。", "Only agencies and regulators can be placed in a jurisdiction.";
    ErrAlreadyPlaced => "该单位已在另一监管部门之下；请使用“调整”。", "This organisation is already under a regulator; use Move instead.";
    ErrJurisdictionCycle => "不能把监管部门放在它自己的下级之下。", "A regulator cannot be placed under itself or its own subordinates.";
    ErrInvitationPending => "已向该邮箱发出邀请，尚未被接受。", "An invitation to this email is still open.";
    InvitePerson => "通过邮件邀请", "Invite by email";
    InviteSent => "邀请邮件已发出。", "The invitation mail is on its way.";
    OpenInvitations => "未接受的邀请", "Open invitations";
    Expired => "已过期", "Expired";
    ValidUntil => "有效期至", "Valid until";
    AcceptInvitation => "接受邀请", "Accept the invitation";
    InvitationIntro => "设置密码后即可登录。邀请您加入：", "Set a password to sign in. You are invited to join:";
    ChoosePassword => "设置密码", "Choose a password";
    RepeatPassword => "再次输入密码", "Repeat the password";
    InvitationAccepted => "已加入，请登录。", "You have joined; sign in now.";
    ErrInvitationInvalid => "邀请链接无效或已过期。", "This invitation link is invalid or has expired.";
    Websites => "网站", "Websites";
    Website => "网站", "Website";
    Engagements => "服务合作", "Engagements";
    Jurisdictions => "管辖关系", "Jurisdictions";
    Domain => "域名", "Domain";
    ProtectionLevel => "安全保护等级", "Protection level";
    ServiceModelLabel => "服务模式", "Service model";
    DeploymentModelLabel => "部署模式", "Deployment model";
    PhaseLabel => "生命周期阶段", "Lifecycle phase";
    PhaseSince => "阶段开始日期", "Phase since";
    SecurityOfficer => "安全负责人", "Security officer";
    Flags => "提示", "Flags";
    NoFlags => "无", "None";
    Agency => "政府部门", "Agency";
    Provider => "服务商", "Provider";
    ServiceRole => "服务角色", "Role";
    StartsOn => "开始日期", "Starts on";
    EndsOn => "结束日期", "Ends on";
    NdaSignedOn => "保密协议签署日期", "Confidentiality agreement signed on";
    NdaSignedBy => "保密协议签署人", "Confidentiality agreement signed by";
    ChangeNoticeDays => "重大变更最短提前通知（天）", "Minimum notice of significant changes (days)";
    AddWebsite => "登记网站", "Add a website";
    NoWebsites => "还没有网站。", "No websites yet.";
    NoWebsitesInReach => "目前没有您可查看的网站。", "There are no websites you can see at present.";
    InviteProvider => "邀请服务商", "Invite a provider";
    Invite => "发送邀请", "Send invitation";
    NoEngagements => "还没有服务合作。", "No engagements yet.";
    Accept => "接受", "Accept";
    Decline => "拒绝", "Decline";
    EndEngagement => "终止", "End";
    InForce => "当前有效", "In force";
    CoveredWebsites => "涉及网站", "Websites covered";
    HiddenWebsites => "个网站（合作未生效时不显示）", "websites (hidden while not in force)";
    ServedBy => "服务商", "Served by";
    NoProviders => "当前没有有效的服务合作。", "No engagement in force.";
    BackToList => "返回列表", "Back to the list";
    Search => "搜索", "Search";
    AllLevels => "全部等级", "All levels";
    AllPhases => "全部阶段", "All phases";
    AllFlags => "全部（不限提示）", "Any (no flag filter)";
    SortBy => "排序", "Sort by";
    AgenciesInJurisdiction => "管辖范围内的政府部门网站", "Websites of the agencies in your jurisdiction";
    NoAgenciesInJurisdiction => "您的管辖范围内还没有政府部门。", "There are no agencies in your jurisdiction yet.";
    NoMatches => "没有符合筛选条件的记录。", "Nothing matches these filters.";
    Shown => "条", "shown";
    PendingInvitations => "待答复的合作邀请", "Invitations awaiting your answer";
    WebsitesServed => "服务的网站", "Websites you serve";
    YourPeople => "本单位人员", "Your people";
    Regulator => "监管部门", "Regulator";
    UnderRegulator => "上级监管部门", "Regulator above";
    NoRegulator => "（无）", "(none)";
    Unplaced => "尚未纳入管辖的政府部门", "Agencies under no regulator";
    PlaceUnder => "放入管辖", "Place";
    Move => "调整", "Move";
    RemoveFromJurisdiction => "移出", "Remove";
    OrganisationToPlace => "单位", "Organisation";
    NoRegulators => "还没有监管部门。", "No regulators yet.";
    Outbox => "邮件发送队列", "Mail outbox";
    DeadLetters => "发送失败的邮件", "Mail that could not be sent";
    NoDeadLetters => "没有发送失败的邮件。", "No mail has failed.";
    Recipient => "收件人", "Recipient";
    Subject => "主题", "Subject";
    Attempts => "尝试次数", "Attempts";
    LastError => "最后错误", "Last error";
    Count => "数量", "Count";
    ActionWebsiteCreate => "登记网站", "Website added";
    ActionWebsiteUpdate => "修改网站", "Website changed";
    ActionEngagementInvite => "发出合作邀请", "Engagement invitation";
    ActionEngagementAccept => "接受合作", "Engagement accepted";
    ActionEngagementDecline => "拒绝合作", "Engagement declined";
    ActionEngagementEnd => "终止合作", "Engagement ended";
    ActionJurisdictionChange => "调整管辖关系", "Jurisdiction changed";
    ActionInvitationSend => "邀请人员", "Person invited";
    ActionInvitationAccept => "接受人员邀请", "Invitation accepted";
    Reports => "定期报告", "Reports";
    ReportMatrix => "报告矩阵", "Report matrix";
    RkCspMonthly => "云服务商月度安全运行报告", "CSP monthly security report";
    RkSupplierService => "供应链服务商定期服务报告", "Supplier periodic service report";
    RkSelfCheck => "机关自查报告", "Agency self-check report";
    RkSecurityCheck => "安全检查报告及整改计划", "Security check report with improvement plan";
    RkAssessment => "测评机构评估报告", "Assessor's report";
    CadMonthly => "每月", "Monthly";
    CadQuarterly => "每季度", "Quarterly";
    CadHalfYearly => "每半年", "Half-yearly";
    CadYearly => "每年", "Yearly";
    StSubmitted => "已提交", "Submitted";
    StReturned => "已退回", "Returned";
    StAccepted => "已接受", "Accepted";
    DecAccept => "接受", "Accepted";
    DecReturn => "退回", "Returned";
    ConcConforming => "符合", "Conforming";
    ConcBasically => "基本符合", "Basically conforming";
    ConcNonConforming => "不符合", "Non-conforming";
    PsNotYetDue => "未到期", "Not yet due";
    PsDue => "待提交", "Due";
    PsOverdue => "逾期", "Overdue";
    PsSubmitted => "待审阅", "Submitted";
    PsReturned => "已退回", "Returned";
    PsAccepted => "已接受", "Accepted";
    PsAcceptedLate => "逾期后接受", "Accepted late";
    ErrFileEmpty => "文件为空", "The file is empty";
    ErrFileTooLarge => "文件超过大小上限", "The file is larger than the limit";
    ErrFileType => "不支持该文件类型（可上传 PDF、Office 文档、CSV、ZIP、图片）", "That file type is not accepted (PDF, office documents, CSV, ZIP and images are)";
    ErrFileMismatch => "文件内容与扩展名不符", "The file's content does not match its name";
    ErrSubmissionOpen => "该报告期已有待审阅的提交，请等待审阅结果。", "A submission for this period is already waiting for review.";
    ErrSubmissionAccepted => "该报告期的报告已被接受，不能再提交或更改。", "The report for this period has been accepted; it cannot be changed.";
    ErrNothingToReview => "当前没有待审阅的版本。", "No version is waiting for review.";
    ErrPeriodCadence => "报告期与报送频次不符（如每季度应写作 2026-Q1）。", "The period does not fit the cadence (quarterly is written 2026-Q1).";
    ErrPeriodOutside => "该报告期不在此报送义务的起止范围内。", "That period is outside the obligation's first and last period.";
    ErrPeriodNotBegun => "该报告期尚未开始。", "That period has not begun yet.";
    ErrNegative => "数值不能为负数。", "The number cannot be negative.";
    ErrTooLarge => "数值过大。", "The number is too large.";
    ErrPercent => "百分比应在 0 到 100 之间。", "A percentage must be between 0 and 100.";
    ErrRequired => "此项为必填项。", "This is required.";
    ErrTextTooLong => "文字过长（最多 20000 字）。", "The text is too long (at most 20,000 characters).";
    ErrPeriodFormat => "报告期格式不正确（如 2026-10、2026-Q3、2026-H1、2026）。", "The period is not valid (for example 2026-10, 2026-Q3, 2026-H1, 2026).";
    ErrDueDay => "截止日应为 1 到 31 之间的整数。", "The due day must be a whole number from 1 to 31.";
    ErrPeriodOrder => "结束报告期不能早于开始报告期。", "The last period cannot come before the first.";
    ErrKindNotForYou => "您所在单位不能设定此类报告义务。", "Your organisation cannot set this kind of report.";
    ErrEngagementUnknown => "未找到该服务合作，或它已结束。", "That engagement was not found or has ended.";
    ErrKindNotForEngagement => "该报告类型与服务商在此合作中的角色不符。", "That kind of report does not fit the provider's role in this engagement.";
    ErrAgencyUnknown => "该机关不在您的管辖范围内。", "That agency is not in your jurisdiction.";
    ErrIdempotencyReused => "该幂等键已用于另一份不同的提交。", "This idempotency key was already used for a different request.";
    ErrIdempotencyKey => "幂等键应为 1 到 100 个可见 ASCII 字符。", "An idempotency key must be 1 to 100 visible ASCII characters.";
    ErrIdempotencyInFlight => "相同的提交正在处理中，请稍后刷新查看。", "The same submission is being processed; refresh in a moment.";
    ErrTooManyFields => "表单字段过多。", "The form has too many fields.";
    ErrTooManyFiles => "附件过多（每个版本最多 20 个）。", "Too many files (at most 20 per version).";
    ErrEngagementNotAccepted => "只能对服务商已接受且尚未结束的服务合作设定报送义务。", "Obligations can be set only on an engagement the provider has accepted and that has not ended.";
    ErrFirstAfterEngagement => "开始报告期晚于该服务合作的结束日期。", "The first period begins after the engagement ends.";
    ErrEndReasonRequired => "请说明终止该报送义务的原因。", "Say why the obligation ends.";
    ErrObligationAlreadyEnded => "该报送义务已经终止。", "That obligation has already ended.";
    EndObligation => "终止报送义务", "End obligation";
    EndObligationHelp => "终止后不再要求此后的报告期；已结束的报告期仍需报送，已收到的报告全部保留。", "After it ends no later period is owed; periods already over are still owed, and everything received is kept.";
    EndReason => "终止原因", "Reason for ending";
    ObligationEndedFlash => "报送义务已终止。", "The obligation has ended.";
    EndedOn => "终止于", "Ended on";
    EndedWithEngagement => "随服务合作结束", "ended with its engagement";
    ErrObligationUnknown => "未找到该报送义务。", "That report obligation was not found.";
    ErrKeptFileUnknown => "要保留的文件不是被退回版本的附件（只有重新提交时才能保留上一版本的文件）。", "A file to keep is not one of the returned version's files (files can be kept only when resubmitting).";
    ObligationsCapped => "这里只列出前 100 项报送义务；请用上方的筛选（报告类型、关键词）缩小范围。共计：", "Only the first 100 obligations are listed here; narrow them with the filter above (kind of report, search). In all:";
    KeepFiles => "保留上一版本的附件", "Keep files of the returned version";
    KeepFilesHelp => "取消勾选的文件不会带入新版本；上一版本仍保留全部文件。", "Unticked files are left out of the new version; the returned version keeps all of its files.";
    ErrSummaryKind => "摘要类型与报送义务的报告类型不符。", "The summary's kind is not the obligation's kind of report.";
    ErrCommentRequired => "退回时请填写意见。", "Write a comment when returning a report.";
    ErrAlreadyReviewed => "该版本已被他人审阅。", "Someone else has already reviewed this version.";
    ErrUploadIncomplete => "上传未完成（连接中断或请求不完整），未保存任何内容，请重试。", "The upload did not complete (the connection broke or the request was incomplete); nothing was saved. Please try again.";
    ErrNotANumber => "请输入数字。", "Enter a number.";
    ErrSummaryJson => "摘要不是有效的 JSON 或缺少字段。", "The summary is not valid JSON or misses fields.";
    ReportSubmittedFlash => "报告已提交。", "The report was submitted.";
    DaysLeft => "天后到期", "days left";
    Days => "天", "days";
    Late => "逾期提交", "late";
    ReportKindLabel => "报告类型", "Kind of report";
    Period => "报告期", "Period";
    DueOn => "截止日期", "Due on";
    State => "状态", "State";
    Submitter => "报送单位", "Submitted by";
    Receiver => "接收单位", "Received by";
    Side => "范围", "Side";
    AllReports => "全部", "All";
    ToSubmit => "待我方提交", "To submit";
    ToReview => "待我方审阅", "To review";
    AllKinds => "全部类型", "All kinds";
    AllStates => "全部状态", "All states";
    Open => "查看", "Open";
    SubmitReport => "提交报告", "Submit report";
    SubmitNewVersion => "提交新版本", "Submit a new version";
    Submit => "提交", "Submit";
    NoReportItems => "没有符合条件的报告。", "No reports match.";
    Obligations => "报送义务", "Report obligations";
    NoObligations => "尚未设定报送义务。", "No report obligations yet.";
    SetObligation => "设定报送义务", "Set a report obligation";
    ObligationHelp => "报送义务说明谁在何时向谁提交哪类报告；各报告期的状态由平台根据日期和提交情况自动计算。", "An obligation says who owes which report to whom and when; the portal computes each period's state from the dates and the submissions.";
    CadenceLabel => "报送频次", "Cadence";
    DueDay => "截止日（报告期结束后次月的第几日）", "Due day (of the month after the period)";
    FirstPeriod => "开始报告期", "First period";
    LastPeriod => "结束报告期（可不填）", "Last period (optional)";
    PeriodHelp => "报告期写法：月 2026-10，季度 2026-Q3，半年 2026-H1，年 2026。", "Periods are written 2026-10 (month), 2026-Q3 (quarter), 2026-H1 (half-year) or 2026 (year).";
    Critical => "严重", "Critical";
    High => "高危", "High";
    Medium => "中危", "Medium";
    Low => "低危", "Low";
    Availability => "可用性（%）", "Availability (%)";
    VulnFound => "发现漏洞", "Vulnerabilities found";
    VulnFixed => "修复漏洞", "Vulnerabilities fixed";
    Incidents => "安全事件", "Incidents";
    PatchesApplied => "已安装补丁", "Patches applied";
    BackupsSucceeded => "备份成功次数", "Backup jobs succeeded";
    BackupsFailed => "备份失败次数", "Backup jobs failed";
    RestoreTestDone => "已进行恢复测试", "Restore test done";
    AttacksBlocked => "拦截攻击次数", "Attacks blocked";
    Notes => "说明", "Notes";
    ChangesDelivered => "交付变更数", "Changes delivered";
    WebsitesChecked => "检查网站数", "Websites checked";
    IssuesFound => "发现问题数", "Issues found";
    IssuesFixed => "已整改问题数", "Issues fixed";
    Findings => "检查发现", "Findings";
    FindingsFixed => "已整改", "Findings fixed";
    ImprovementPlan => "整改计划", "Improvement plan";
    ConclusionLabel => "评估结论", "Conclusion";
    Score => "得分", "Score";
    Versions => "版本记录", "Versions";
    Version => "版本", "Version";
    Files => "附件", "Files";
    NoFiles => "无附件", "No files";
    Review => "审阅", "Review";
    Comment => "意见", "Comment";
    ReturnNeedsComment => "退回时必须填写意见；接受时意见可选。", "A comment is required to return; it is optional when accepting.";
    AcceptReport => "接受", "Accept";
    ReturnReport => "退回修改", "Return with comments";
    Print => "打印", "Print";
    Uploading => "正在上传", "Uploading";
    CancelUpload => "取消上传", "Cancel upload";
    UploadCancelled => "上传已取消，未保存任何内容。", "The upload was cancelled; nothing was saved.";
    AttachFiles => "附件（可多选）", "Files (several allowed)";
    FilesHelp => "可上传 PDF、Word/Excel/PowerPoint、OpenDocument、CSV、ZIP 和图片，每个文件不超过 200 MB，类型按内容核验。", "PDF, Word/Excel/PowerPoint, OpenDocument, CSV, ZIP and images, up to 200 MB each; the type is checked from the content.";
    MatrixHelp => "辖区内各机关最近 12 个已结束报告期的报送情况；每格显示该机关该类报告中最需关注的状态。", "The last 12 ended periods for each agency of your jurisdiction; each cell shows the most pressing state among the agency's reports of the kind.";
    UsualCadence => "该类报告的常用频次", "The kind's usual cadence";
    NoObligation => "无报送义务", "No obligation";
    AgenciesShown => "个机关", "agencies";
    Previous => "上一页", "Previous";
    Next => "下一页", "Next";
    NothingToSubmit => "目前没有待提交的报告。", "Nothing to submit now.";
    NothingToReview => "目前没有待审阅的报告。", "Nothing to review now.";
    ActionObligationCreate => "设定报送义务", "Report obligation set";
    ActionAuditSealed => "审计链启用密钥（此前各行已封存）", "Audit chain keyed (earlier rows sealed)";
    ActionObligationEnd => "终止报送义务", "Report obligation ended";
    ActionObligationMove => "报送义务随机关转至新的监管单位", "Report obligation moved with its agency to a new regulator";
    ActionReportSubmit => "提交报告", "Report submitted";
    ActionReportAccept => "接受报告", "Report accepted";
    ActionReportReturn => "退回报告", "Report returned";
    ActionApiTokenCreate => "创建 API 令牌", "API token created";
    ActionApiTokenRevoke => "吊销 API 令牌", "API token revoked";
    ApiTokens => "API 令牌", "API tokens";
    ApiTokensHelp => "API 令牌供自动化程序调用 /api/v1 接口，权限与您本人完全相同。令牌仅在创建时显示一次，请妥善保存；不再使用时请吊销。", "API tokens let your automation call /api/v1 with exactly your rights. A token is shown once, when created: keep it safe, and revoke it when no longer needed.";
    TokenCreated => "令牌已创建。请立即复制保存，它不会再次显示：", "Token created. Copy it now; it will not be shown again:";
    TokenDays => "有效天数", "Valid for (days)";
    TokenPrefix => "开头", "Starts with";
    CreatedAt => "创建时间", "Created";
    ExpiresAt => "到期时间", "Expires";
    LastUsed => "最近使用", "Last used";
    Revoke => "吊销", "Revoke";
    Revoked => "已吊销", "Revoked";
    NoTokens => "您还没有 API 令牌。", "You have no API tokens.";
    ErrTokenDays => "有效天数应为 1 到 366。", "The lifetime must be 1 to 366 days.";
}

/// The viewer's locale, provided in context by the shell.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// Translates with the viewer's locale.
pub fn t(msg: Msg) -> &'static str {
    msg.text(use_locale())
}

impl Msg {
    /// The key's name, for carrying a message through a redirect's query string.
    pub fn name(self) -> String {
        format!("{self:?}")
    }

    pub fn from_name(name: &str) -> Option<Msg> {
        Msg::ALL.iter().copied().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for msg in Msg::ALL {
            for locale in Locale::ALL {
                assert!(!msg.text(locale).trim().is_empty(), "{msg:?} is empty in {locale:?}");
            }
        }
    }

    #[test]
    fn chinese_is_really_chinese() {
        // A key copied from English into the Chinese column is a missing translation.
        let untranslated: Vec<_> = Msg::ALL
            .iter()
            .filter(|m| !matches!(m, Msg::LangEn | Msg::LangZh))
            .filter(|m| {
                !m.text(Locale::Zh)
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            })
            .collect();
        assert!(untranslated.is_empty(), "no Chinese text for {untranslated:?}");
    }

    #[test]
    fn accept_language_picks_by_quality_and_defaults_to_chinese() {
        assert_eq!(Locale::from_accept_language(None), Locale::Zh);
        assert_eq!(Locale::from_accept_language(Some("fr-FR,de;q=0.8")), Locale::Zh);
        assert_eq!(Locale::from_accept_language(Some("en-US,en;q=0.9")), Locale::En);
        assert_eq!(Locale::from_accept_language(Some("en;q=0.5,zh-CN;q=0.9")), Locale::Zh);
        assert_eq!(Locale::from_accept_language(Some("zh-TW")), Locale::Zh);
    }
}
