public import Foundation

/// The condition keys of one request (`aws:SourceIp`, `aws:username`, ...), each with one or
/// more string values. Key names are case-insensitive, as in IAM.
public struct ConditionContext: Sendable, Equatable {
    private var values: [String: [String]] = [:]

    public init() {}

    public init(_ values: [String: [String]]) {
        for (key, list) in values {
            self.values[key.lowercased()] = list
        }
    }

    /// All values of `key`, or `nil` when the request does not have it.
    public subscript(key: String) -> [String]? {
        get { values[key.lowercased()] }
        set { values[key.lowercased()] = newValue }
    }

    public mutating func set(_ key: String, _ value: String) {
        self[key] = [value]
    }

    public mutating func set(_ key: String, _ list: [String]) {
        self[key] = list
    }

    /// Stores `true` / `false`, the form the `Bool` operator reads.
    public mutating func set(_ key: String, bool: Bool) {
        self[key] = [bool ? "true" : "false"]
    }

    /// Stores an ISO 8601 UTC time (`2024-05-06T07:08:09Z`), the form AWS uses for date keys.
    public mutating func set(_ key: String, date: Date) {
        self[key] = [Self.iso8601(date)]
    }

    /// The global keys a Gangway request carries. `now` fills `aws:CurrentTime` and `aws:EpochTime`.
    public static func request(
        now: Date, sourceIp: String? = nil, secureTransport: Bool, principalArn: String? = nil, username: String? = nil,
        userid: String? = nil, tokenIssueTime: Date? = nil
    ) -> ConditionContext {
        var context = ConditionContext()
        context.set("aws:CurrentTime", date: now)
        context.set("aws:EpochTime", String(Int64(now.timeIntervalSince1970.rounded(.down))))
        context.set("aws:SecureTransport", bool: secureTransport)
        if let sourceIp { context.set("aws:SourceIp", sourceIp) }
        if let principalArn { context.set("aws:PrincipalArn", principalArn) }
        if let username { context.set("aws:username", username) }
        if let userid { context.set("aws:userid", userid) }
        if let tokenIssueTime { context.set("aws:TokenIssueTime", date: tokenIssueTime) }
        return context
    }

    static func iso8601(_ date: Date) -> String {
        let civil = CivilTime(date)
        return "\(CivilTime.pad(civil.year, 4))-\(CivilTime.pad(civil.month, 2))-\(CivilTime.pad(civil.day, 2))T"
            + "\(CivilTime.pad(civil.hour, 2)):\(CivilTime.pad(civil.minute, 2)):\(CivilTime.pad(civil.second, 2))Z"
    }
}
