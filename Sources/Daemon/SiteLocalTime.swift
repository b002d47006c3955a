import Foundation
import Configuration
import Monitoring

/// The site's local weekday and minute, from the system time-zone database (daylight saving included).
struct SiteLocalTime: LocalTimeConverter {
    let calendar: Calendar

    init(timeZone name: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: name) ?? TimeZone(identifier: "UTC")!
        self.calendar = calendar
    }

    func weekdayAndMinute(at time: Timestamp) -> (weekday: Int, minute: Int) {
        let date = Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000)
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        // Foundation counts Sunday as 1; ISO 8601 (and WeeklySchedule) count Monday as 1.
        let weekday = ((parts.weekday ?? 1) + 5) % 7 + 1
        return (weekday, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }
}

extension SiteConfiguration {
    var maintenanceSchedule: MaintenanceSchedule {
        MaintenanceSchedule(windows: maintenance, localTime: SiteLocalTime(timeZone: site.timeZone))
    }
}
