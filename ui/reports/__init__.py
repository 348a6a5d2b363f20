"""统计报表 pages: reports with their charts, office variants, Excel import, dashboard charts."""
