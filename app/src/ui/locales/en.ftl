### The words of the layout, navigation and dashboard — English.
### Fluent syntax; every key here must be in the other language's file too (the build checks).

AppShort = Cloud Supervision
DemoBanner = Demo data: every organisation, person and record here is fictitious.
Language = Language
SignOut = Sign out
NotFoundBody = The page you asked for does not exist or was removed.
Dashboard = Dashboard
People = People
MyAccount = My account
Welcome = Welcome
YourOrganisation = Your organisation
DashboardIntro = Your organisation's supervision work is summarised here.
OpenAll = See all
AgenciesInJurisdiction = Websites of the agencies in your jurisdiction
WebsitesServed = Websites you serve
YourPeople = Your people
WhatFollows = What follows:
ReasonKept = Kept with the record: the other side and the regulator read it.
Cancel = Cancel
ForbiddenTitle = Not permitted
