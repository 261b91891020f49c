// The members ListModels, ListEndpointConfigs and ListEndpoints share. `SageMaker`'s list
// calls filter by name only; the CreationTime/LastModifiedTime windows are applied here,
// over every match, before paging.
import AWSShapes
import Foundation

struct SageMakerListRequest {
    var nameContains: String?
    var sortBy: ListSortKey
    var sortOrder: SortOrder
    var maxResults: Int?
    var nextToken: String?

    init(_ p: Parameters) throws {
        if p.optionalString("SortBy") == "Status" {
            throw SageMakerErrors.validation("SortBy Status is not emulated by labbook; use Name or CreationTime.")
        }
        nameContains = p.optionalString("NameContains")
        sortBy = try p.optionalEnumValue("SortBy") ?? .creationTime
        sortOrder = try p.optionalEnumValue("SortOrder") ?? .descending
        maxResults = p.optionalInt("MaxResults")
        nextToken = p.optionalString("NextToken")
    }

    /// Keeps items whose `date` falls strictly inside the window the two members give, if any.
    static func window<Item>(_ p: Parameters, before: String, after: String,
                             _ date: @escaping (Item) -> Date) throws -> ((Item) -> Bool)? {
        let upper = try p.optionalDate(before), lower = try p.optionalDate(after)
        guard upper != nil || lower != nil else { return nil }
        return { item in
            let d = date(item)
            return (upper.map { d < $0 } ?? true) && (lower.map { d > $0 } ?? true)
        }
    }

    /// One page: the service's own without a filter; with one, every match filtered and
    /// paged here (the token stays an offset into the filtered listing).
    func page<Item>(filters: [(Item) -> Bool], name: (Item) -> String, created: (Item) -> Date,
                    list: (SageMakerListRequest) throws -> ListPage<Item>) throws -> ListPage<Item> {
        guard !filters.isEmpty else { return try list(self) }
        var all: [Item] = []
        var request = self
        request.maxResults = 100
        request.nextToken = nil
        repeat {
            let page = try list(request)
            all += page.items
            request.nextToken = page.nextToken
        } while request.nextToken != nil
        let kept = all.filter { item in filters.allSatisfy { $0(item) } }
        return try ListPage.make(kept, nameContains: nil, name: name, created: created, sortBy: sortBy,
                                 sortOrder: sortOrder, maxResults: maxResults, nextToken: nextToken)
    }
}
