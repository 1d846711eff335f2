//! Exits' mails: an exit opened, its plan agreed, its inventory started or corrected, an item
//! found mismatched, the deletion planned and confirmed, an assessor named, the sign-off, the
//! exit completed or cancelled, and reminders of what is overdue — each to the officers who act
//! next, in their language.
use crate::{backend::mail::MailTemplate, i18n::Locale};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitMailKind {
    Opened,
    PlanAgreed,
    InventoryStarted,
    ItemCorrected,
    Mismatch,
    DeletionPlanned,
    DeletionConfirmed,
    AssessorNamed,
    SignedOff,
    Completed,
    Cancelled,
    StepOverdue,
    Overdue,
}

/// What happened on an exit, told to the people who act next.
#[derive(Clone, Debug, PartialEq)]
pub struct ExitMail {
    pub kind: ExitMailKind,
    pub agency: String,
    pub provider: String,
    /// What goes with it: a date, an item's name, a reason.
    pub detail: String,
    pub link: String,
}

impl ExitMailKind {
    /// (Chinese, English): what happened, and what the reader is asked to do.
    fn words(self) -> ((&'static str, &'static str), (&'static str, &'static str)) {
        use ExitMailKind::*;
        match self {
            Opened => (("已发起退出", "An exit was opened"), ("请与机关商定退出计划并提交移交清单。", "Agree the exit plan with the agency and fill the handover inventory.")),
            PlanAgreed => (("退出计划已由双方确认", "The exit plan is agreed by both sides"), ("请按计划推进各项步骤。", "Carry out the plan's steps by their dates.")),
            InventoryStarted => (("移交清单已开始提交", "The handover inventory has its first items"), ("请逐项核验校验值。", "Verify each item's checksum.")),
            ItemCorrected => (("移交清单条目已更正", "An inventory item was corrected"), ("请重新核验该条目。", "Verify the item again.")),
            Mismatch => (("移交条目校验值不一致", "An inventory item's checksum does not match"), ("请更正该条目或重新提供文件。", "Correct the item or provide the right file.")),
            DeletionPlanned => (("服务商已登记数据删除计划", "The provider recorded its deletion plan"), ("", "")),
            DeletionConfirmed => (("服务商已确认删除数据及全部备份", "The provider confirmed the deletion of the data and every backup"), ("如已委托测评机构，待其签署确认；否则可完成退出。", "If an assessor is named, it signs the exit off; otherwise the exit can be completed.")),
            AssessorNamed => (("机关委托您对退出进行确认", "The agency named you to sign off its exit"), ("数据删除确认后请签署。", "Sign it off once the deletion is confirmed.")),
            SignedOff => (("测评机构已签署退出", "The assessor signed the exit off"), ("可以完成退出。", "The exit can now be completed.")),
            Completed => (("退出已完成，服务关系已终止", "The exit is complete and the engagement has ended"), ("", "")),
            Cancelled => (("退出已取消", "The exit was cancelled"), ("", "")),
            StepOverdue => (("退出计划步骤已逾期", "An exit plan step is overdue"), ("请尽快完成并在平台上标记。", "Complete it and mark it done in the portal.")),
            Overdue => (("退出已超过目标日期", "The exit is past its target date"), ("请尽快推进剩余事项。", "Move the remaining items on.")),
        }
    }
}

impl MailTemplate for ExitMail {
    fn render(&self, locale: Locale) -> (String, String) {
        let ((what_zh, what_en), (ask_zh, ask_en)) = self.kind.words();
        let ExitMail { agency, provider, detail, link, .. } = self;
        if locale == Locale::Zh {
            let mut text = format!("{agency}与{provider}的服务退出：{what_zh}。\n");
            if !detail.is_empty() {
                text.push_str(&format!("详情：{detail}\n"));
            }
            if !ask_zh.is_empty() {
                text.push_str(&format!("{ask_zh}\n"));
            }
            text.push_str(&format!("请登录平台查看：{link}\n"));
            (format!("【服务退出】{agency} / {provider}：{what_zh}"), text)
        } else {
            let mut text = format!("The exit of {agency} from {provider}: {what_en}.\n");
            if !detail.is_empty() {
                text.push_str(&format!("Details: {detail}\n"));
            }
            if !ask_en.is_empty() {
                text.push_str(&format!("{ask_en}\n"));
            }
            text.push_str(&format!("Sign in to see it: {link}\n"));
            (format!("[Exit] {agency} / {provider}: {what_en}"), text)
        }
    }
}
