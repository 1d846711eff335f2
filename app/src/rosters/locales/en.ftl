### The words of duty rosters: rotations, overrides, special periods, the duty stood — English.
### Fluent syntax; every key here must be in the other language's file too (the build checks).

ErrDutyNameTooLong = The name is too long (at most 200 characters).
ErrDutyCover = Choose the cover the roster must give: outside working hours, round the clock, none, or hours of your own.
ErrDutyHours = Write the hours as days and times, such as "mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00".
ErrDutyPhone = The phone number is too long (at most 64 characters).
ErrDutyLayer = Choose primary or backup.
ErrDutyPattern = Choose how the rotation hands off: daily, weekly, every so many days, or on chosen weekdays.
ErrDutyEveryDays = Give the number of days between handoffs, from 1 to 366.
ErrDutyNoDays = Choose at least one weekday for the handoffs.
ErrDutyClock = Give the handoff time as HH:MM (24-hour), such as 09:00.
ErrDutyDate = Give the date as YYYY-MM-DD.
ErrDutyDateTime = Give the date and time as YYYY-MM-DD HH:MM.
ErrDutyNoPeople = A rotation needs at least one person.
ErrDutyTooManyMembers = A rotation may have at most 100 people.
ErrDutyNotColleague = Only active people of your organisation can stand its duty.
ErrDutyMemberDates = A member's leaving date must come after the joining date, both as YYYY-MM-DD.
ErrDutyEndsBeforeStart = The end must come after the start.
ErrDutySamePerson = A replacement needs two different people.
ErrDutyOverrideConflict = Another override for the same person overlaps this time on the same layer; change or withdraw that one first.
ErrDutyChangesNothing = This override changes nothing: the roster reads the same with it as without it.
ErrDutyOverrideKind = Choose add, remove or replace.
ErrDutyInThePast = That time has already passed.
ErrDutyOwnOffer = You cannot take a shift you offered yourself.
ErrDutyRotationEnded = This version of the rotation has ended; edit the one in force.
ErrDutyReportEvery = Give the hours between status reports, from 1 to 24, or leave it empty.
ErrDutySpecialTooLong = A special period may last at most 62 days.
ErrDutyWindowTooLong = A timeline shows at most 62 days at once.
