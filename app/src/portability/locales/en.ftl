PortArchiveTitle = The agency's archive
PortArchiveExplain = Everything your agency keeps in the portal — organisation, people (without passwords), websites, engagements, reports with their files, duty rosters, plans, drills, incidents, change notices, SLAs, exits and your audit trail — as one ZIP of JSON documents and files, with a manifest of SHA-256 checksums. Another portal imports it with portal import-agency.
PortArchiveDownload = Download the archive
