/// One action's input: its parameters and who sent them.
struct QueryRequest: Sendable {
    var parameters: QueryParameters
    let caller: AdminCaller
}
