import Foundation

/// One page of a list action, with IAM's `Marker`, `MaxItems` and `IsTruncated`.
///
/// A marker carries the sort key of the first element of the next page (base64, so clients
/// treat it as opaque). The next page starts at the first element whose key is not below it,
/// so paging stays in order even when that element is deleted between the calls.
struct QueryPage<Element> {
    let items: [Element]
    /// The marker for the next page; `nil` on the last page.
    let nextMarker: String?

    var isTruncated: Bool { nextMarker != nil }

    /// IAM's default page size.
    static var defaultMaxItems: Int { 100 }

    /// - Parameters:
    ///   - all: every element of the listing.
    ///   - key: a sort key that orders the listing as the store does and is unique within it.
    ///   - marker: the marker of the previous page, if this is not the first.
    init(_ all: [Element], key: (Element) -> String, marker: String?, maxItems: Int?) throws(QueryError) {
        let keyed = all.map { (key: key($0), element: $0) }.sorted { $0.key < $1.key }
        var start = keyed.startIndex
        if let marker {
            guard let data = Data(base64Encoded: marker), let resumeKey = String(data: data, encoding: .utf8) else {
                throw .invalidInput("The marker \(marker) is not one this API returned.")
            }
            start = keyed.firstIndex(where: { $0.key >= resumeKey }) ?? keyed.endIndex
        }
        let end = min(keyed.endIndex, start + (maxItems ?? Self.defaultMaxItems))
        items = keyed[start..<end].map(\.element)
        nextMarker = end < keyed.endIndex ? Data(keyed[end].key.utf8).base64EncodedString() : nil
    }
}
