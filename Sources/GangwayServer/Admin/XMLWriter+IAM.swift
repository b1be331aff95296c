import GangwayStore

/// The IAM structures, with botocore's element names and in AWS's element order.
extension XMLWriter {
    /// The members of IAM's `User` shape.
    mutating func userFields(_ user: IAMUser) {
        element("Path", user.path)
        element("UserName", user.name)
        element("UserId", user.userID)
        element("Arn", user.arn)
        element("CreateDate", QueryDate.string(user.createDate))
    }

    /// The members of `AccessKeyMetadata`.
    mutating func accessKeyFields(_ key: AccessKeyMetadata) {
        element("UserName", key.userName)
        element("AccessKeyId", key.accessKeyID)
        element("Status", key.status.rawValue)
        element("CreateDate", QueryDate.string(key.createDate))
    }

    /// A list as the Query protocol writes one: `<Name><member>...</member>...</Name>`.
    mutating func list<Element>(_ name: String, _ elements: [Element], member: (inout XMLWriter, Element) -> Void) {
        self.element(name) { xml in
            for item in elements {
                xml.element("member") { member(&$0, item) }
            }
        }
    }

    /// `IsTruncated`, and `Marker` when there is a next page.
    mutating func paging<Element>(_ page: QueryPage<Element>) {
        element("IsTruncated", page.isTruncated ? "true" : "false")
        if let marker = page.nextMarker {
            element("Marker", marker)
        }
    }
}
