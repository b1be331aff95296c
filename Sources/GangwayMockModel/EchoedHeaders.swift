import Hummingbird

/// The request headers as received, for the `x-mock-echo-headers` control: lower-case names in
/// arrival order, repeated fields joined with ", " as HTTP allows.
struct EchoedHeaders: Equatable, Sendable {
    struct Field: Equatable, Sendable {
        var name: String
        var value: String
    }

    var fields: [Field] = []

    init(_ headers: HTTPFields) {
        for field in headers {
            let name = field.name.canonicalName
            if let index = self.fields.firstIndex(where: { $0.name == name }) {
                self.fields[index].value += ", " + field.value
            } else {
                self.fields.append(Field(name: name, value: field.value))
            }
        }
    }
}
